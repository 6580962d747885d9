"""The national dataset: one instance serving many municipalities sized like the country's.

At scale 1: 290 municipalities whose youths in KAA fall off with their rank (a few large
ones with thousands, most with 50-1,000), 100,000 youths in all; about 2,000 coaches with
caseloads of 30-80; each municipality on one of the shipped routines; 2 M contacts over two
years; 30,000 plans. Most youths are not overdue: the routine steps already past were done on
time for four cases in five, so the job then plans what comes next.

`--scale` keeps the shape and shrinks the country: fewer municipalities, picked evenly along
the size ranking, then every size multiplied so that the youths add up to 100,000 × scale.
Youths come from the demo generator (bulk inserts); staff are bulk-created with one password
hash; contacts, done tasks and the sums are written in SQL.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

MUNICIPALITIES = 290
YOUTHS = 100_000
CONTACTS = 2_000_000
PLANS = 30_000
ASSIGNED = 0.85  # the demo generator gives a coach to this share of youths
CODE_BASE = 1000  # national municipalities are 1000, 1001, ... (the stress case is 0100)
ROUTINES = ("askersund", "lidkoping", "nykoping", "stockholm")
ON_TIME = 80  # per cent of cases whose past routine steps were done on their due date
PASSWORD = "Bench-inloggning-2026!"  # noqa: S105 - a local benchmark database only


@dataclass(frozen=True)
class Shape:
    code: str
    youths: int
    coaches: int
    routine: str


def shape(scale: float) -> list[Shape]:
    """The municipalities at this scale: size by rank (Zipf, exponent 1) with a fixed jitter,
    coaches from a caseload drawn between 33 and 52 (about 42 on average, 2,000 at scale 1)."""
    rng = random.Random(24)  # nosec B311  # benchmark data
    full = [YOUTHS * 0.16 / rank * rng.uniform(0.85, 1.15) for rank in range(1, 291)]
    count = MUNICIPALITIES if scale >= 1 else max(3, round(MUNICIPALITIES * scale))
    stride = MUNICIPALITIES / count
    picked = [full[int((i + 0.5) * stride)] for i in range(count)]
    factor = YOUTHS * scale / sum(picked)
    shapes = []
    for i, size in enumerate(picked):
        youths = max(5, round(size * factor))
        caseload = rng.uniform(33, 52)
        coaches = max(1, round(youths * ASSIGNED / caseload))
        shapes.append(Shape(f"{CODE_BASE + i:04d}", youths, coaches, ROUTINES[i % len(ROUTINES)]))
    return shapes


def _staff(municipality: Any, shape: Shape, password: str) -> None:
    """Teams of up to eight coaches, a coordinator and a manager (bulk; one password hash)."""
    from kaa.models import Role, Team, User

    if User.objects.filter(username=f"bench-sam-{shape.code}").exists():
        return
    teams = Team.objects.bulk_create(
        [
            Team(municipality=municipality, name=f"Team {t + 1}")
            for t in range((shape.coaches + 7) // 8)
        ]
    )
    users = [
        User(
            username=f"bench-coach-{shape.code}-{c}",
            role=Role.COACH,
            municipality=municipality,
            team=teams[c // 8],
            first_name="Coach",
            last_name=f"{shape.code}-{c}",
            password=password,
        )
        for c in range(shape.coaches)
    ]
    users += [
        User(
            username=f"{name}-{shape.code}",
            role=role,
            municipality=municipality,
            password=password,
        )
        for name, role in (("bench-sam", Role.COORDINATOR), ("bench-chef", Role.MANAGER))
    ]
    User.objects.bulk_create(users)


CONTACTS_SQL = """
INSERT INTO outreach_contactattempt (at, channel, direction, outcome, note, youth_id,
                                     led_to_contact)
SELECT now() - (random() * interval '730 days'),
       (ARRAY['phone','phone','phone','sms','letter','postcard','home_visit','email',
              'knock_card'])[1 + floor(random() * 9)::int],
       'out',
       (ARRAY['no_answer','no_answer','message_left','reached','sent','wrong_number'])
           [1 + floor(random() * 6)::int],
       '', y.id, false
FROM youth_youth y
CROSS JOIN LATERAL generate_series(1, 1 + floor(random() * (2 * %s - 1))::int
                                          + 0 * y.id) AS g
WHERE y.municipality_id = ANY(%s)
"""

# The routine steps already due are done on their day for ON_TIME % of the cases (chosen by
# the case's id, so a rerun picks the same ones), by the youth's coach.
ON_TIME_SQL = """
UPDATE outreach_task t
SET status = 'done', done_at = t.due_date + time '10:00', done_by_id = y.coach_id
FROM outreach_outreachcase c, youth_youth y
WHERE t.case_id = c.id AND y.id = t.youth_id AND t.status = 'open' AND t.kind = 'step'
  AND t.due_date < %s AND c.id %% 100 < %s AND y.municipality_id = ANY(%s)
"""


def _contacts(ids: list[int], target: int) -> int:
    """About `target` contacts in SQL, 1 to 2×average-1 per youth (uniform), over two years;
    then the reach facts kept as contacts are saved, rebuilt for these youths."""
    from django.db import connection

    from outreach.queue.reach_facts import reached_facts_rebuild
    from youth.models import Youth

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM outreach_contactattempt c JOIN youth_youth y "
            "ON y.id = c.youth_id WHERE y.municipality_id = ANY(%s)",
            [ids],
        )
        if cursor.fetchone()[0] >= target // 2:
            return 0  # built by an earlier run
        youths = Youth.objects.filter(municipality_id__in=ids).count()
        cursor.execute(CONTACTS_SQL, [max(1, round(target / max(youths, 1))), ids])
        made = cursor.rowcount
    reached_facts_rebuild(
        Youth.objects.filter(municipality_id__in=ids).values_list("pk", flat=True)
    )
    return made


def _routine_states(ids: list[int]) -> int:
    """Past steps done on time for most cases, then the job run again to plan what follows
    (later steps, retries after a routine done without reaching the youth)."""
    from django.db import connection
    from django.utils import timezone

    from outreach.models import Task
    from outreach.routine.engine import deadlines_refresh

    if Task.objects.filter(youth__municipality_id__in=ids, status="done").exists():
        return 0  # built by an earlier run
    deadlines_refresh()
    with connection.cursor() as cursor:
        cursor.execute(ON_TIME_SQL, [timezone.localdate(), ON_TIME, ids])
        done = cursor.rowcount
    deadlines_refresh()
    return done


def build(scale: float) -> dict[str, Any]:
    """Build (or reuse) the national dataset; returns the largest municipality's staff for
    the page timings and every municipality id."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from bench.run import _plans_bulk
    from demo.youths import demo_youths_ensure
    from kaa.models import Municipality, Role, User
    from outreach.models import Routine
    from outreach.routine.services import routine_from_template
    from reporting.models import ContactDay, RollupState
    from reporting.stats.rollup import rollup_refresh

    shapes = shape(scale)
    password = make_password(PASSWORD)
    municipalities = []
    started = time.perf_counter()
    for s in shapes:
        municipality, _ = Municipality.objects.get_or_create(
            code=s.code, defaults={"name": f"Kommun {s.code}"}
        )
        municipalities.append(municipality)
        _staff(municipality, s, password)
        if not Routine.objects.filter(municipality=municipality, is_current=True).exists():
            routine_from_template(municipality=municipality, key=s.routine, actor=None)
        demo_youths_ensure(municipality=municipality, count=s.youths, seed=24)
    ids = [m.pk for m in municipalities]
    made: list[int] = []  # contacts added by this run (none: the sums are already made)
    steps = [
        ("municipalities, staff, youths", lambda: None),
        ("contacts", lambda: made.append(_contacts(ids, round(CONTACTS * scale))) or made[0]),
        (
            "plans",
            lambda: sum(
                _plans_bulk(m, round(PLANS / YOUTHS * s.youths))
                for m, s in zip(municipalities, shapes, strict=True)
            ),
        ),
        ("tasks, routine states", lambda: _routine_states(ids)),
        ("sums", lambda: made[0] and _sums(ids, ContactDay, RollupState, rollup_refresh)),
    ]
    for name, step in steps:
        result = step()
        print(
            f"dataset {name}: {time.perf_counter() - started:.1f} s"
            + (f" ({result})" if result else ""),
            flush=True,
        )
        started = time.perf_counter()
    if not connection.in_atomic_block:  # VACUUM cannot run in a transaction (the smoke test)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    largest = municipalities[0]
    coach = User.objects.filter(municipality=largest, role=Role.COACH).order_by("username").first()
    return {
        "municipality": largest,
        "municipality_ids": ids,
        "coach": coach,
        Role.COORDINATOR: User.objects.get(username=f"bench-sam-{largest.code}"),
        Role.MANAGER: User.objects.get(username=f"bench-chef-{largest.code}"),
    }


def _sums(ids: list[int], contact_day: Any, rollup_state: Any, rollup_refresh: Any) -> str:
    from django.utils import timezone

    # Contacts written in SQL bypassed the receivers: sum these municipalities' days again.
    contact_day.objects.filter(municipality_id__in=ids).delete()
    rollup_state.objects.filter(municipality_id__in=ids).delete()
    rollup_refresh(today=timezone.localdate())
    return "summed again"


def describe(ids: list[int]) -> str:
    """The dataset as built, in one paragraph (counts read back, not intended ones)."""
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT count(*) FROM kaa_municipality WHERE id = ANY(%(ids)s)),
                   (SELECT count(*) FROM youth_youth WHERE municipality_id = ANY(%(ids)s)),
                   (SELECT count(*) FROM kaa_user WHERE municipality_id = ANY(%(ids)s)
                      AND role = 'coach'),
                   (SELECT count(*) FROM outreach_contactattempt c JOIN youth_youth y
                      ON y.id = c.youth_id WHERE y.municipality_id = ANY(%(ids)s)),
                   (SELECT count(*) FROM plans_actionplan p JOIN youth_youth y
                      ON y.id = p.youth_id WHERE y.municipality_id = ANY(%(ids)s)),
                   (SELECT count(DISTINCT t.youth_id) FROM outreach_task t JOIN youth_youth y
                      ON y.id = t.youth_id WHERE y.municipality_id = ANY(%(ids)s)
                      AND t.status = 'open' AND t.due_date < %(today)s),
                   (SELECT count(*) FROM youth_kaaperiod p JOIN youth_youth y
                      ON y.id = p.youth_id WHERE y.municipality_id = ANY(%(ids)s)
                      AND p.end_date IS NULL)
            """,
            {"ids": ids, "today": today},
        )
        munis, youths, coaches, contacts, plans, overdue, open_periods = cursor.fetchone()
        cursor.execute(
            """
            SELECT min(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), max(n)
            FROM (SELECT count(*) AS n FROM youth_youth
                  WHERE municipality_id = ANY(%s) GROUP BY municipality_id) s
            """,
            [ids],
        )
        small, median, large = cursor.fetchone()
        cursor.execute(
            """
            SELECT percentile_disc(0.1) WITHIN GROUP (ORDER BY n),
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY n),
                   percentile_disc(0.9) WITHIN GROUP (ORDER BY n)
            FROM (SELECT count(y.id) AS n FROM kaa_user u
                  LEFT JOIN youth_youth y ON y.coach_id = u.id
                  WHERE u.municipality_id = ANY(%s) AND u.role = 'coach' GROUP BY u.id) s
            """,
            [ids],
        )
        c10, c50, c90 = cursor.fetchone()
    return (
        f"{munis} municipalities ({small}-{large} youths, median {median}), {youths} youths "
        f"({open_periods} in an open KAA period, {overdue} with an overdue task), {coaches} "
        f"coaches (caseload p10/p50/p90 {c10}/{c50}/{c90}), {contacts} contacts, "
        f"{plans} plans"
    )


def load_accounts(ids: list[int], users: int) -> list[tuple[str, str, list[int]]]:
    """Coaches for the load run, spread over the municipalities: each with up to 20 of their
    youths' ids."""
    from kaa.models import Role, User
    from youth.models import Youth

    coaches = list(
        User.objects.filter(
            municipality_id__in=ids, role=Role.COACH, username__startswith="bench-coach-"
        ).order_by("pk")
    )
    step = max(1, len(coaches) // max(users, 1))
    accounts = []
    for coach in coaches[::step][:users]:
        youths = list(
            # Not those with protected identity: their page first asks the coach for a reason.
            Youth.objects.filter(coach=coach, protected_identity=False)
            .order_by("pk")
            .values_list("pk", flat=True)[:20]
        )
        if youths:
            accounts.append((coach.username, PASSWORD, youths))
    return accounts
