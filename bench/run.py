"""The national-scale benchmark: build a dataset, then time the staff pages, the jobs, the
SCB export and the staff mix under load, each beside its floor measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaa_bench \\
        .venv/bin/python -m bench.run --profile national --scale 1

Profiles (`--scale` multiplies every count, so a small machine or the smoke test can run them):
- `national` (bench/national.py): 290 municipalities sized like the country's, 100,000 youths,
  about 2,000 coaches with caseloads of 30-80, four routines, most youths not overdue, 2 M
  contacts over two years, 30,000 plans. Pages are timed as the largest municipality's staff.
- `stress`: the same counts in one municipality (0100), every youth's routine overdue at once.

Floors: a page's own SQL run directly, and the stack's floor (bench/urls.py: the same
middleware, access check and audit event, served by the same gunicorn); for the SCB export a
raw COPY of the same columns; for the jobs the SQL that reads what is due. Load: locust
(bench/locustfile.py, headless, loopback only), its CSV stats and the gunicorn workers' memory
kept in the results directory with a summary table (`summary.md`).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import statistics
import time
from dataclasses import dataclass
from typing import Any

from bench.scb_export import _database_ensure, _django

CODE = "0100"
PASSWORD = "Bench-inloggning-2026!"  # noqa: S105 - a local benchmark database only


def _staff(municipality: Any) -> dict[str, Any]:
    from demo.factories import TeamFactory, UserFactory
    from kaa.models import Role, User

    def account(username: str, **fields: Any) -> Any:
        """The account as it is if it exists, otherwise a new one with the bench password."""
        return User.objects.filter(username=username).first() or UserFactory(
            username=username, municipality=municipality, password=PASSWORD, **fields
        )

    users: dict[str, Any] = {}
    for t in range(10):
        team = TeamFactory(municipality=municipality, name=f"Team {t + 1}")
        for c in range(3):
            user = account(
                f"bench-coach-{t}-{c}",
                role=Role.COACH,
                team=team,
                first_name="Coach",
                last_name=f"{t}-{c}",
            )
            users.setdefault("coach", user)
    for name, role in (("bench-sam", Role.COORDINATOR), ("bench-chef", Role.MANAGER)):
        users[role] = account(name, role=role)
    return users


def _plans_bulk(municipality: Any, count: int) -> int:
    """Consents, plans and two interventions each, bulk-written (the services would take an
    hour for 30,000; the pages read the same rows either way)."""
    from demo.factories import ActionPlanFactory, ConsentFactory, InterventionFactory
    from plans.catalogue.services import catalogue_ensure
    from plans.models import ActionPlan, Consent, Intervention, InterventionType
    from youth.models import KaaPeriod

    have = ActionPlan.objects.filter(youth__municipality=municipality).count()
    if have >= count:
        return 0
    catalogue_ensure(municipality)
    types = list(InterventionType.objects.filter(municipality=municipality))
    periods = list(
        KaaPeriod.objects.filter(
            youth__municipality=municipality,
            end_date__isnull=True,
            youth__coach__isnull=False,
            plans__isnull=True,
        ).select_related("youth")[: count - have]
    )
    consents = Consent.objects.bulk_create(
        [
            ConsentFactory.build(
                youth=p.youth,
                period=p,
                given_on=p.start_date,
                place="Bench",
                school=True,
                employment_service=True,
            )
            for p in periods
        ],
        batch_size=2000,
    )
    plans = ActionPlan.objects.bulk_create(
        [
            ActionPlanFactory.build(
                youth=p.youth,
                period=p,
                consent=c,
                case_worker=p.youth.coach,
                goal="Studier eller arbete.",
                start_date=p.start_date,
                next_follow_up=p.start_date + dt.timedelta(days=30),
            )
            for p, c in zip(periods, consents, strict=True)
        ],
        batch_size=2000,
    )
    Intervention.objects.bulk_create(
        [
            InterventionFactory.build(
                plan=plan,
                type=types[(i + k) % len(types)],
                purpose="Komma vidare",
                actual_start=plan.start_date + dt.timedelta(days=7 * k),
                follow_up_on=plan.start_date + dt.timedelta(days=30),
            )
            for i, plan in enumerate(plans)
            for k in range(2)
        ],
        batch_size=2000,
    )
    return len(plans)


def _long_timeline(youth: Any, entries: int = 400) -> None:
    from demo.factories import TimelineEntryFactory
    from youth.models import TimelineEntry

    if TimelineEntry.objects.filter(youth=youth).count() >= entries:
        return
    now = dt.datetime.now(dt.UTC)
    TimelineEntry.objects.bulk_create(
        [
            TimelineEntryFactory.build(
                youth=youth, at=now - dt.timedelta(hours=i), kind="note", summary=f"Händelse {i}"
            )
            for i in range(entries)
        ]
    )


def dataset(youths: int, contacts: int, plans: int) -> dict[str, Any]:
    _database_ensure()
    _django()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.dashboard import _fill
    from demo.youths import demo_youths_ensure
    from kaa.models import Municipality
    from outreach.routine.engine import deadlines_refresh
    from outreach.routine.services import routine_from_template
    from reporting.stats.rollup import rollup_refresh

    call_command("migrate", verbosity=0)
    municipality, _ = Municipality.objects.get_or_create(code=CODE, defaults={"name": "Riksbänk"})
    users = _staff(municipality)
    from outreach.models import Routine

    if not Routine.objects.filter(municipality=municipality, is_current=True).exists():
        routine_from_template(municipality=municipality, key="askersund", actor=None)
    steps = [
        ("youths", lambda: demo_youths_ensure(municipality=municipality, count=youths)),
        ("contacts", lambda: _fill(municipality.pk, contacts)),
        ("plans", lambda: _plans_bulk(municipality, plans)),
        ("tasks", deadlines_refresh),
        ("sums", lambda: rollup_refresh(today=timezone.localdate())),
    ]
    for name, step in steps:
        started = time.perf_counter()
        step()
        print(f"dataset {name}: {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"municipality": municipality, "municipality_ids": [municipality.pk], **users}


def _client(user: Any) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _sql_time(queries: list[dict[str, Any]]) -> float:
    """The same SQL, run directly (the physical limit), in ms."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for q in queries:
            sql = q["sql"]
            if sql.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                continue
            cursor.execute(sql)
            if cursor.description:
                cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def page_cases(data: dict[str, Any]) -> list[tuple[str, Any, str, dict[str, str]]]:
    from django.urls import reverse

    from youth.models import Youth

    municipality = data["municipality"]
    youth = (
        Youth.objects.filter(municipality=municipality, coach=data["coach"]).order_by("pk").first()
    )
    _long_timeline(youth)
    data["page_youth"] = youth
    sam, coach, chef = data["coordinator"], data["coach"], data["manager"]
    return [
        (
            "youth list, filtered (coordinator)",
            sam,
            reverse("youth:list") + "?in_kaa=yes&not_reached=on&sort=alder",
            {},
        ),
        (
            "search by personnummer",
            sam,
            reverse("youth:list") + "?s=1",
            {"search": youth.personnummer},
        ),
        ("search by name", sam, reverse("youth:list") + "?s=1", {"search": youth.last_name}),
        ("youth page, 400-line timeline", coach, reverse("youth:detail", args=[youth.pk]), {}),
        ("work queue (coach)", coach, reverse("outreach:queue"), {}),
        (
            "work queue, municipality (coordinator)",
            sam,
            reverse("outreach:queue") + "?vy=kommun",
            {},
        ),
        ("manager dashboard (cold)", chef, reverse("reporting:dashboard"), {}),
    ]


@dataclass
class Figure:
    """One line of the summary: a measured figure beside its floor and the target."""

    name: str
    value: str
    floor: str
    ratio: str
    target: str
    met: bool | None
    reason: str = ""

    def row(self) -> str:
        verdict = {True: "met", False: "missed", None: "-"}[self.met]
        if self.reason:
            verdict = f"{verdict}: {self.reason}" if self.met is not None else self.reason
        return (
            f"| {self.name} | {self.value} | {self.floor} | {self.ratio} | {self.target} | "
            f"{verdict} |"
        )


SUMMARY_HEAD = (
    "| figure | measured | floor | ratio | target | met or the reason |\n"
    "|---|---:|---:|---:|---|---|"
)


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def pages(data: dict[str, Any], repeat: int) -> list[dict[str, Any]]:
    """Each page through Django's test client: median, p95, query count and the same SQL run
    directly (the first floor). Returns the rows, for the HTTP timing and the summary."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.KAA_STATS_CACHE_SECONDS = 0  # measure the computation, not the cache
    # No collectstatic for a benchmark: plain static storage (the manifest is a dict lookup).
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    rows = []
    print("\n| page | median ms | p95 ms | queries | SQL ms | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, user, url, search in page_cases(data):
        client = _client(user)
        if search:
            session = client.session
            session["youth_search"] = search["search"]
            session.save()
        times, sql_ms, count = [], [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: {response.status_code}")
            count = len(ctx.captured_queries)
            sql_ms.append(_sql_time(ctx.captured_queries))
        median, sql = statistics.median(times), statistics.median(sql_ms)
        rows.append(
            {
                "name": name,
                "user": user,
                "url": url,
                "cookie": f"{settings.SESSION_COOKIE_NAME}="
                f"{client.cookies[settings.SESSION_COOKIE_NAME].value}",
                "median": median,
                "p95": _p95(times),
                "queries": count,
                "sql": sql,
            }
        )
        print(
            f"| {name} | {median:.0f} | {_p95(times):.0f} | {count} | {sql:.0f} | "
            f"{median / max(sql, 0.1):.1f} |",
            flush=True,
        )
    return rows


def pages_http(
    base: str, data: dict[str, Any], rows: list[dict[str, Any]], repeat: int
) -> list[Figure]:
    """The same pages through gunicorn, one at a time, beside the stack's floor (bench/urls.py)
    requested by the same user over the same connection kind."""
    from bench.loadrun import http_times

    youth_id = data["youth_id"]
    floors: dict[int, tuple[float, float]] = {}
    figures = []
    print("\n| page, over HTTP | median ms | p95 ms | SQL ms | × SQL | stack floor ms | × floor |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        user = row["user"]
        if user.pk not in floors:
            path = "/bench/floor/" if user.role == "manager" else f"/bench/floor/{youth_id}/"
            floors[user.pk] = http_times(base, row["cookie"], path, repeat)
        floor = floors[user.pk][0]
        median, p95 = http_times(base, row["cookie"], row["url"], repeat)
        by_sql, by_floor = median / max(row["sql"], 0.1), median / max(floor, 0.1)
        print(
            f"| {row['name']} | {median:.0f} | {p95:.0f} | {row['sql']:.0f} | {by_sql:.1f} | "
            f"{floor:.0f} | {by_floor:.1f} |",
            flush=True,
        )
        dashboard = "dashboard" in row["name"]
        target_ms = 1000 if dashboard else 100
        met = p95 < target_ms and (dashboard or by_sql < 2)
        figures.append(
            Figure(
                f"{row['name']}, p95 over HTTP ({row['queries']} queries)",
                f"{p95:.0f} ms",
                f"SQL {row['sql']:.0f} ms; stack {floor:.0f} ms",
                f"×{by_sql:.1f} SQL; ×{by_floor:.1f} stack",
                "< 1 s cold" if dashboard else "p95 < 100 ms, < 2× SQL",
                met,
            )
        )
    return figures


def _timed(name: str, fn: Any, show: Any = str, floor_s: float | None = None) -> Any:
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    floor = f"{floor_s:.2f}" if floor_s is not None else "-"
    ratio = f"{seconds / max(floor_s, 0.001):.1f}" if floor_s is not None else "-"
    print(f"| {name} | {seconds:.2f} | {floor} | {ratio} | {show(result)} |", flush=True)
    return result, seconds


def _due_at_20(municipality: Any, today: dt.date, count: int) -> None:
    """Make `count` open youths turn 20 today (bench data only), so the job has work."""
    from youth.models import KaaPeriod, Youth

    ids = list(
        KaaPeriod.objects.filter(
            youth__municipality=municipality,
            end_date__isnull=True,
            start_date__lte=today - dt.timedelta(days=30),
        ).values_list("youth_id", flat=True)[:count]
    )
    born = today.replace(year=today.year - 20)
    Youth.objects.filter(pk__in=ids).update(birth_date=born)


def _facts_change(municipality: Any, count: int) -> int:
    """What a working day brings to the deadline job (bench data only): `count` youths in
    KAA get a new phone number or lose theirs, and a failed call is logged for each."""
    from django.utils import timezone

    from outreach.models import ContactAttempt
    from youth.models import KaaPeriod, Youth

    periods = list(
        KaaPeriod.objects.filter(youth__municipality=municipality, end_date__isnull=True)
        .order_by("?")
        .values_list("pk", "youth_id")[:count]
    )
    for n, (_period, youth_id) in enumerate(periods):
        Youth.objects.filter(pk=youth_id).update(phone="" if n % 2 else "070-000 00 00")
    ContactAttempt.objects.bulk_create(
        ContactAttempt(
            youth_id=youth_id,
            period_id=period,
            at=timezone.now(),
            channel="phone",
            outcome="no_answer",
        )
        for period, youth_id in periods
    )
    return len(periods)


# What the deadline job must read to know what is due: every open case of an open period with
# its youth's facts, its tasks and its period's unsuccessful contacts, in one statement.
DUE_SQL = """
SELECT c.id, c.started_on, c.routine_id, y.birth_date, y.phone <> '' OR y.phone_alt <> '',
       y.last_reached_on,
       (SELECT array_agg(array[t.step_id::text, t.status, t.due_date::text, t.done_at::text])
          FROM outreach_task t WHERE t.case_id = c.id),
       (SELECT array_agg(a.at ORDER BY a.at) FROM outreach_contactattempt a
          WHERE a.period_id = c.period_id AND a.outcome = ANY(%s))
FROM outreach_outreachcase c
JOIN youth_kaaperiod p ON p.id = c.period_id
JOIN youth_youth y ON y.id = c.youth_id
WHERE c.closed_on IS NULL AND p.end_date IS NULL AND y.restricted_at IS NULL
"""

# What the 20th-birthday job must find: the open periods of youths who are 20 or older.
DUE_AT_20_SQL = """
SELECT p.id, p.youth_id, y.birth_date FROM youth_kaaperiod p
JOIN youth_youth y ON y.id = p.youth_id
WHERE p.end_date IS NULL AND y.birth_date <= %s
"""


def _sql_seconds(sql: str, params: list[Any]) -> tuple[float, int]:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = len(cursor.fetchall())
    return time.perf_counter() - started, rows


def jobs(data: dict[str, Any], *, import_rows: int = 10_000, letters: int = 500) -> list[Figure]:
    from django.utils import timezone

    from outreach.letters.pdf import batch_pdf_render
    from outreach.queue.models import UNSUCCESSFUL_OUTCOMES
    from outreach.routine.engine import deadlines_refresh, deadlines_refresh_marked
    from youth import personnummer as pnr
    from youth.importing.services import import_apply, import_plan
    from youth.models import Reason
    from youth.register.services import turning_20_deregister

    municipality = data["municipality"]
    today = timezone.localdate()
    figures = []
    print("\n| job | seconds | floor s | ratio | result |")
    print("|---|---:|---:|---:|---|")
    due_s, cases = _sql_seconds(DUE_SQL, [sorted(UNSUCCESSFUL_OUTCOMES)])
    _stats, full_s = _timed(
        f"daily deadline job ({cases} open cases)", deadlines_refresh, floor_s=due_s
    )
    _stats, again_s = _timed(
        "deadline job, incremental run (no changes)", deadlines_refresh_marked, floor_s=due_s
    )
    changed = _facts_change(municipality, 100)
    _stats, changed_s = _timed(
        f"deadline job, incremental run ({changed} youths changed)",
        deadlines_refresh_marked,
        floor_s=due_s,
    )
    youths = data["youths"]
    full_target = 30 * youths / 100_000
    figures += [
        Figure(
            f"deadline job, full run ({cases} open cases, {youths} youths)",
            f"{full_s:.1f} s",
            f"due SQL {due_s:.2f} s",
            f"×{full_s / max(due_s, 0.001):.0f}",
            f"< 30 s at 100,000 youths (< {full_target:.1f} s here)",
            full_s < full_target,
        ),
        Figure(
            "deadline job, incremental run with nothing changed",
            f"{again_s:.1f} s",
            f"full run {full_s:.1f} s; due SQL {due_s:.2f} s",
            f"{100 * again_s / max(full_s, 0.001):.0f} % of full",
            "< 10 % of a full run",
            again_s < 0.1 * full_s,
        ),
        Figure(
            f"deadline job, incremental run after {changed} youths changed",
            f"{changed_s:.2f} s",
            f"full run {full_s:.1f} s",
            f"{100 * changed_s / max(full_s, 0.001):.0f} % of full",
            "(no target; the marks' cost)",
            None,
        ),
    ]
    _due_at_20(municipality, today, 300)
    at20_s, due_20 = _sql_seconds(DUE_AT_20_SQL, [pnr.years_before(today, 20)])
    closed, at20_job_s = _timed(
        f"20th-birthday job ({due_20} due)",
        lambda: turning_20_deregister(today=today),
        floor_s=at20_s,
    )
    figures.append(
        Figure(
            f"20th-birthday job, {closed} due",
            f"{at20_job_s:.2f} s",
            f"due SQL {at20_s:.3f} s",
            f"×{at20_job_s / max(at20_s, 0.001):.0f}",
            "300 due < 3 s",
            at20_job_s < 3 * max(closed, 1) / 300,
        )
    )
    from demo.youths import personnummer_for

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["personnummer", "fornamn", "efternamn"])
    from youth.models import Youth

    base = Youth.objects.count()  # new serials every run, so the rows are new youths
    for i in range(import_rows):
        born = today.replace(year=today.year - 17) - dt.timedelta(days=(base + i) % 700)
        writer.writerow(
            [personnummer_for(born, (base + i) // 700 % 1000), "Import", f"Rad{base + i}"]
        )
    raw = out.getvalue().encode()
    plan, _s = _timed(
        f"import_register, {import_rows} rows (plan)",
        lambda: import_plan(raw=raw, filename="bench.csv", municipality=municipality),
        show=lambda p: f"{len(p.new)} new, {len(p.errors)} row errors",
    )
    reason = Reason.objects.get(kind="registration", code="OVRIGT")
    _timed(
        f"import_register, {import_rows} rows (apply)",
        lambda: (
            import_apply(plan=plan, municipality=municipality, reason=reason, actor=None)
            or plan.summary()
        ),
    )
    from bench.letters import letter_tasks
    from outreach.models import LetterBatch

    template, tasks = letter_tasks(municipality, letters)

    batch = LetterBatch(
        municipality=municipality,
        template=template,
        task_ids=[t.pk for t in tasks],
        created_by=data["coordinator"],
    )
    _pdf, pdf_s = _timed(
        f"{len(tasks)} letters as one PDF",
        lambda: f"{len(batch_pdf_render(batch, tasks)) // 1024} kB",
    )
    figures.append(
        Figure(
            f"{len(tasks)} letters as one PDF",
            f"{pdf_s:.1f} s",
            "none (WeasyPrint's layout)",
            "-",
            f"500 letters < 10 s (< {10 * max(len(tasks), 1) / 500:.0f} s here)",
            pdf_s < 10 * max(len(tasks), 1) / 500,
        )
    )
    return figures


def scb(data: dict[str, Any]) -> list[Figure]:
    """The SCB export of the timed municipality against two floors: a raw COPY of the same
    columns, and the export's own records query run alone as a COPY; then every
    municipality's export in turn (the half-year's files of the whole instance)."""
    import contextlib

    from bench.scb_export import _measure

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        _measure(data["municipality"].code)
    youths, rows, export_s, copy_s, peak, _size, records_s = buffer.getvalue().strip().split("\t")
    ratio = float(export_s) / max(float(copy_s), 0.001)
    records_ratio = float(export_s) / max(float(records_s), 0.001)
    print(
        "\n| SCB export: youths | rows | export s | COPY s | records query s | ratio | peak MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {youths} | {rows} | {export_s} | {copy_s} | {records_s} | {ratio:.1f} | {peak} |",
        flush=True,
    )
    return [
        Figure(
            f"SCB export, {youths} youths ({rows} rows; Python heap peak {peak} MB)",
            f"{export_s} s",
            f"raw COPY {copy_s} s; records query alone {records_s} s",
            f"×{ratio:.0f} raw; ×{records_ratio:.1f} records",
            "< 4× the raw COPY, flat memory",
            ratio < 4,
        ),
        scb_national(data["municipality_ids"]),
    ]


def scb_national(municipality_ids: list[int]) -> Figure:
    """Every municipality's SCB file for the half-year, one after another as the half-yearly
    drafts are made, against one raw COPY of the same columns over all of them."""
    import tempfile
    from pathlib import Path

    from django.utils import timezone

    from bench.scb_export import export_file, raw_copy
    from kaa.models import Municipality
    from reporting.scb.periods import HalfYear
    from reporting.scb.profile import profile_for

    today = timezone.localdate()
    period = HalfYear.containing(today)
    profile = profile_for(period)
    municipalities = list(Municipality.objects.filter(pk__in=municipality_ids).order_by("code"))
    youths = rows = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for municipality in municipalities:
            outcome = export_file(
                municipality, period, profile, today, Path(tmp) / f"{municipality.code}.csv"
            )
            youths += outcome.youths
            rows += outcome.rows
    export_s = time.perf_counter() - started
    copy_s, _size = raw_copy(period, municipality_ids)
    ratio = export_s / max(copy_s, 0.001)
    print(
        f"\nSCB export of all {len(municipalities)} municipalities: {youths} youths, {rows} rows, "
        f"{export_s:.2f} s, raw COPY {copy_s:.2f} s, ×{ratio:.0f}",
        flush=True,
    )
    return Figure(
        f"SCB export, every municipality in turn ({len(municipalities)} files, {youths} youths, "
        f"{rows} rows)",
        f"{export_s:.1f} s",
        f"raw COPY {copy_s:.2f} s",
        f"×{ratio:.0f}",
        "< 4× the raw COPY, flat memory",
        ratio < 4,
    )


def load_paths() -> dict[str, str]:
    from django.urls import reverse

    return {
        "login": reverse("kaa:login"),
        "queue": reverse("outreach:queue"),
        "youth": reverse("youth:detail", args=[0]).replace("/0/", "/{pk}/"),
        "note": reverse("youth:note_add", args=[0]).replace("/0/", "/{pk}/"),
        "list": reverse("youth:list") + "?in_kaa=yes",
        "search": reverse("youth:list"),
        "floor": "/bench/floor/{pk}/",
    }


def load(
    base: str,
    master: int,
    data: dict[str, Any],
    *,
    users: int,
    seconds: int,
    think: tuple[float, ...],
    out: Any,
) -> list[Figure]:
    """locust runs of the staff mix (one per pause), each with the workers' memory, and a run
    of the floor view alone (what the stack serves with no page work: the ceiling)."""
    from django.conf import settings

    from bench.loadrun import locust
    from bench.national import load_accounts
    from kaa.models import User

    # A session per coach, opened here with a verified second factor: locust's users start
    # clicking at once instead of hashing 100 passwords on the server first.
    accounts = [
        (
            name,
            _client(User.objects.get(username=name)).cookies[settings.SESSION_COOKIE_NAME].value,
            ids,
        )
        for name, _password, ids in load_accounts(data["municipality_ids"], users)
    ]
    paths = load_paths()
    figures = []
    print(
        "\n| locust run | users | think s | seconds | requests | req/s | median ms | p95 ms "
        "| failures | workers' RSS start → end MB (max one worker) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    results = {}
    runs = [("floor", 0.0, True)] + [(f"mix_think{t:g}", t, False) for t in think]
    for name, pause, floor_only in runs:
        plan = {
            "accounts": accounts,
            "paths": paths,
            "think": pause,
            "floor_only": floor_only,
            "cookie": settings.SESSION_COOKIE_NAME,
        }
        # The floor's run measures a ceiling, not endurance: a minute is enough.
        length = min(seconds, 60) if floor_only else seconds
        result = locust(base, plan, name=name, users=users, seconds=length, out=out, master=master)
        results[name] = result
        print(
            f"| {name} | {users} | {pause:g} | {length} | {result['requests']} | "
            f"{result['per_second']:.1f} | {result['median_ms']:.0f} | {result['p95_ms']:.0f} | "
            f"{result['failures']} | {result['start_mb']:.0f} → {result['end_mb']:.0f} "
            f"({result['max_worker_mb']:.0f}) |",
            flush=True,
        )
    ceiling = results["floor"]
    for name, result in results.items():
        if name == "floor":
            continue
        memory = (
            f"; RSS {result['start_mb']:.0f} → {result['end_mb']:.0f} MB over "
            f"{result['workers']} workers"
        )
        if name == "mix_think0":
            met = result["per_second"] >= 3 * TODAY_PER_SECOND and not result["failures"]
            figures.append(
                Figure(
                    f"staff mix, {users} users without pauses, req/s{memory}",
                    f"{result['per_second']:.1f} req/s",
                    f"stack floor {ceiling['per_second']:.1f} req/s",
                    f"{result['per_second'] / max(ceiling['per_second'], 0.1):.2f} of floor",
                    f"≥ 3× {TODAY_PER_SECOND} req/s, 0 errors",
                    met,
                )
            )
        else:
            met = result["p95_ms"] < 300 and not result["failures"]
            figures.append(
                Figure(
                    f"staff mix, {users} users pausing ~{name.split('think')[1]} s, p95{memory}",
                    f"{result['p95_ms']:.0f} ms ({result['failures']} errors)",
                    f"stack floor p95 {ceiling['p95_ms']:.0f} ms",
                    f"×{result['p95_ms'] / max(ceiling['p95_ms'], 1):.1f}",
                    "p95 < 300 ms, 0 errors",
                    met,
                )
            )
    return figures


TODAY_PER_SECOND = 22.7  # the staff mix before this round of work (bench/RESULTS.md), two cores


def _build(args: argparse.Namespace) -> dict[str, Any]:
    _database_ensure()
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.profile == "national":
        from bench.national import build

        data = build(args.scale)
    else:
        data = dataset(
            round(100_000 * args.scale), round(2_000_000 * args.scale), round(30_000 * args.scale)
        )
    from bench.national import describe
    from youth.models import Youth

    data["youths"] = Youth.objects.filter(municipality_id__in=data["municipality_ids"]).count()
    data["description"] = describe(data["municipality_ids"])
    print(f"\ndataset ({args.profile}, scale {args.scale:g}): {data['description']}", flush=True)
    return data


def run(args: argparse.Namespace) -> list[Figure]:
    """The whole benchmark; prints each table as it goes and returns the summary's rows."""
    from pathlib import Path

    data = _build(args)
    figures: list[Figure] = []
    rows = pages(data, args.repeat) if not args.skip_pages else []
    data["youth_id"] = data["page_youth"].pk if rows else None
    if not args.skip_jobs:
        figures += jobs(data, import_rows=args.import_rows, letters=args.letters)
        figures += scb(data)
    if rows or args.users:
        from bench.loadrun import gunicorn

        out = Path(args.results)
        with gunicorn(args.workers, port=args.port) as server:
            figures = pages_http(server.base, data, rows, args.repeat) + figures
            if args.users:
                figures += load(
                    server.base,
                    server.process.pid,
                    data,
                    users=args.users,
                    seconds=args.seconds,
                    think=tuple(args.think),
                    out=out,
                )
    return figures


def main() -> None:
    import os
    import subprocess
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", choices=["national", "stress"], default="national")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-jobs", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765, help="gunicorn's port on 127.0.0.1")
    parser.add_argument(
        "--think",
        type=float,
        nargs="+",
        default=[0.0, 10.0],
        help="mean pause between a user's clicks, seconds (one locust run each)",
    )
    parser.add_argument("--results", help="directory for locust's CSVs and summary.md")
    args = parser.parse_args()
    stamp = time.strftime("%Y%m%dT%H%MZ", time.gmtime())
    args.results = args.results or str(
        Path(__file__).with_name("results") / f"{stamp}-{args.profile}-{args.scale:g}"
    )
    Path(args.results).mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    figures = run(args)
    load_after = os.getloadavg()
    head = (
        f"{args.profile} profile, scale {args.scale:g}; load average (1/5/15 min) "
        f"{' / '.join(f'{x:.1f}' for x in load_before)} before, "
        f"{' / '.join(f'{x:.1f}' for x in load_after)} after; "
        + subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()  # noqa: S607
        + " cores"
    )
    table = "\n".join([SUMMARY_HEAD, *(f.row() for f in figures)])
    print(f"\n{head}\n\n{table}")
    (Path(args.results) / "summary.md").write_text(f"{head}\n\n{table}\n")


if __name__ == "__main__":
    main()
