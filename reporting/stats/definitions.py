"""Every figure of the dashboard and the board reports, defined once.

Each definition is a named function of a `Scope` (municipality, optional team, date span),
with a Swedish title and a description that the page *Definitioner* lists. The dashboard,
the board reports and the SCB export's quality score ask the same questions through here, so
a question never has two answers. Aggregation happens in the database; the query count of a
definition does not depend on the number of rows.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    F,
    Max,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import (
    TruncDate,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaa.lib.days import day_after
from kaa.models import Team, User
from outreach.models import ONE_WAY_CHANNELS, Channel, ContactAttempt, OutcomeRecheck, Task
from plans.models import Intervention
from reporting.stats.periods import Span, months_back
from reporting.stats.rollup import contact_rows
from youth.models import KaaPeriod, OccupationType, Youth

REACHED = ContactAttempt.Outcome.REACHED


@dataclass(frozen=True)
class Scope:
    municipality_id: int
    span: Span
    team_id: int | None = None
    today: dt.date | None = None
    memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def start(self) -> dt.date:
        return self.span.start

    @property
    def end(self) -> dt.date:
        return self.span.end

    def youth_q(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}municipality_id": self.municipality_id})
        if self.team_id:
            q &= Q(**{f"{prefix}team_id": self.team_id})
        return q


@dataclass(frozen=True)
class Definition:
    key: str
    title: Any
    description: Any
    compute: Callable[[Scope], Any]


REGISTRY: dict[str, Definition] = {}


def definition(key: str, title: Any, description: Any) -> Callable[..., Any]:
    def register(fn: Callable[[Scope], Any]) -> Callable[[Scope], Any]:
        REGISTRY[key] = Definition(key, title, description, fn)
        return fn

    return register


def periods(scope: Scope) -> QuerySet[KaaPeriod]:
    return KaaPeriod.objects.filter(scope.youth_q("youth__"))


def _population(scope: Scope) -> QuerySet[KaaPeriod]:
    """Periods of youths who belonged to KAA: a period ended as registered in error
    (felregistrerad) never did, here as in the SCB report."""
    return periods(scope).exclude(deregistration_reason__outside_target_group=True)


def _overlapping(scope: Scope) -> QuerySet[KaaPeriod]:
    return (
        _population(scope)
        .filter(start_date__lte=scope.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=scope.start))
    )


def _open_on(scope: Scope, day: dt.date) -> QuerySet[KaaPeriod]:
    return (
        _population(scope)
        .filter(start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
    )


def _channel(code: str) -> str:
    """A channel's label in the active language (the code itself if it is unknown)."""
    return str(dict(Channel.choices).get(code, code))


def _contact_rows(scope: Scope) -> list[dict[str, Any]]:
    """The span's contacts grouped by channel, direction, outcome, age, occupation and
    led-to-contact: daily sums where built, live for the rest (reporting.stats.rollup).
    Computed once per Scope object (the dashboard asks four figures of it)."""
    if "contact_rows" not in scope.memo:
        scope.memo["contact_rows"] = contact_rows(
            municipality_id=scope.municipality_id,
            start=scope.start,
            end=scope.end,
            team_id=scope.team_id,
        )
    return scope.memo["contact_rows"]


@definition(
    "in_kaa_at_end",
    gettext_lazy("Ungdomar i KAA vid periodens slut"),
    gettext_lazy(
        "Antal ungdomar med en KAA-period som pågår på periodens sista dag. "
        "Perioder avslutade som felregistrerade räknas aldrig som KAA."
    ),
)
def in_kaa_at_end(scope: Scope) -> int:
    return _open_on(scope, scope.end).values("youth_id").distinct().count()


@definition(
    "in_kaa_during",
    gettext_lazy("Ungdomar i KAA under perioden"),
    gettext_lazy(
        "Antal ungdomar med en KAA-period som någon dag överlappar perioden. "
        "En ungdom med två perioder räknas en gång. Samma population som "
        "halvårsrapporten till SCB."
    ),
)
def in_kaa_during(scope: Scope) -> int:
    return _overlapping(scope).values("youth_id").distinct().count()


def _by_label(qs: QuerySet[Any], label: str) -> list[tuple[str, int]]:
    rows = qs.values(label).annotate(n=Count("id")).order_by("-n", label)
    return [(row[label] or _("Okänd"), row["n"]) for row in rows]


@definition(
    "registrations_by_reason",
    gettext_lazy("Nya registreringar per orsak"),
    gettext_lazy(
        "KAA-perioder som startar under perioden, per registreringsorsak. En "
        "ungdom som registreras två gånger räknas två gånger."
    ),
)
def registrations_by_reason(scope: Scope) -> list[tuple[str, int]]:
    return _by_label(
        periods(scope).filter(start_date__range=(scope.start, scope.end)),
        "registration_reason__label",
    )


@definition(
    "deregistrations_by_reason",
    gettext_lazy("Avregistreringar per orsak"),
    gettext_lazy(
        "KAA-perioder som avslutas under perioden, per avregistreringsorsak "
        "(även felregistrerade)."
    ),
)
def deregistrations_by_reason(scope: Scope) -> list[tuple[str, int]]:
    return _by_label(
        periods(scope).filter(end_date__range=(scope.start, scope.end)),
        "deregistration_reason__label",
    )


@definition(
    "reached",
    gettext_lazy("Nådda och inte nådda"),
    gettext_lazy(
        "Av ungdomarna i KAA under perioden: de som har minst en kontakt med "
        "utfallet ”Nådd” från registreringen till periodens slut, och övriga."
    ),
)
def reached(scope: Scope) -> dict[str, int]:
    rows = _overlapping(scope)
    total = rows.values("youth_id").distinct().count()
    hit = rows.filter(first_reached_on__lte=scope.end).values("youth_id").distinct().count()
    return {"reached": hit, "not_reached": total - hit}


@definition(
    "time_to_first_contact",
    gettext_lazy("Tid från registrering till första kontakt"),
    gettext_lazy(
        "För KAA-perioder som startar under perioden: antal dagar från "
        "registreringen till den första kontakten med utfallet ”Nådd” (median), "
        "och hur många som ännu inte är nådda."
    ),
)
def time_to_first_contact(scope: Scope) -> dict[str, Any]:
    rows = (
        _population(scope)
        .filter(start_date__range=(scope.start, scope.end))
        .values_list("start_date", "first_reached_on")
    )
    days = [(first - start).days for start, first in rows if first]
    return {
        "registered": len(rows),
        "reached": len(days),
        "median_days": round(statistics.median(days)) if days else None,
    }


@definition(
    "occupation_at_contact",
    gettext_lazy("Sysselsättning vid kontakt"),
    gettext_lazy(
        "Kontakter med utfallet ”Nådd” under perioden, per den sysselsättning "
        "som gällde kontaktdagen (den senast registrerade som började då "
        "eller tidigare)."
    ),
)
def occupation_at_contact(scope: Scope) -> list[tuple[str, int]]:
    counts: Counter[int | None] = Counter()
    for r in _contact_rows(scope):
        if r["outcome"] == REACHED:
            counts[r["occupation_id"]] += r["n"]
    # Looked up by the counted ids, None (no occupation) among them.
    labels: dict[int | None, str] = dict(
        OccupationType.objects.filter(pk__in=[k for k in counts if k]).values_list("pk", "label")
    )
    out = [(labels.get(k) or _("Okänd"), n) for k, n in counts.items()]
    return sorted(out, key=lambda item: (-item[1], item[0]))


@definition(
    "contacts_by_channel",
    gettext_lazy("Kontaktförsök och svarsfrekvens per kanal"),
    gettext_lazy(
        "Kontaktförsök från kommunen under perioden per kanal, och andelen som "
        "ledde till kontakt: ungdomen nåddes samma dag eller inom 14 dagar "
        "(oavsett kanal)."
    ),
)
def contacts_by_channel(scope: Scope) -> list[dict[str, Any]]:
    attempts: Counter[str] = Counter()
    led: Counter[str] = Counter()
    for r in _contact_rows(scope):
        if r["direction"] == ContactAttempt.Direction.OUT:
            attempts[r["channel"]] += r["n"]
            led[r["channel"]] += r["n"] if r["led"] else 0
    return [
        {
            "channel": _channel(c),
            "attempts": n,
            "led_to_contact": led[c],
            "one_way": c in ONE_WAY_CHANNELS,
        }
        for c, n in sorted(attempts.items(), key=lambda item: (-item[1], item[0]))
    ]


def _interventions(scope: Scope) -> QuerySet[Intervention]:
    return Intervention.objects.filter(
        scope.youth_q("plan__youth__"), declined=False, actual_start__isnull=False
    )


@definition(
    "in_intervention",
    gettext_lazy("Ungdomar i minst en insats"),
    gettext_lazy("Ungdomar med en insats (inte avböjd) som pågår någon dag under perioden."),
)
def in_intervention(scope: Scope) -> int:
    return (
        _interventions(scope)
        .filter(actual_start__lte=scope.end)
        .filter(Q(actual_end__isnull=True) | Q(actual_end__gte=scope.start))
        .values("plan__youth_id")
        .distinct()
        .count()
    )


@definition(
    "interventions_by_type",
    gettext_lazy("Påbörjade insatser per typ"),
    gettext_lazy("Insatser som startar under perioden, per insats i kommunens insatskatalog."),
)
def interventions_by_type(scope: Scope) -> list[tuple[str, int]]:
    return _by_label(
        _interventions(scope).filter(actual_start__range=(scope.start, scope.end)), "type__name"
    )


@definition(
    "outcomes_after_interventions",
    gettext_lazy("Utfall efter avslutade insatser"),
    gettext_lazy(
        "Insatser som avslutas under perioden, per vad ungdomen gick vidare "
        "till (”Okänd” om det inte är angivet)."
    ),
)
def outcomes_after_interventions(scope: Scope) -> list[tuple[str, int]]:
    return _by_label(
        _interventions(scope).filter(actual_end__range=(scope.start, scope.end)),
        "went_on_to__label",
    )


def _coach_name(first: str | None, last: str | None, username: str | None) -> str:
    name = f"{first or ''} {last or ''}".strip()
    return name or username or _("Utan coach")


@definition(
    "caseload_per_coach",
    gettext_lazy("Ärenden per coach"),
    gettext_lazy("Ungdomar med en pågående KAA-period vid periodens slut, per ansvarig coach."),
)
def caseload_per_coach(scope: Scope) -> list[tuple[str, int]]:
    rows = (
        _open_on(scope, scope.end)
        .values("youth__coach__first_name", "youth__coach__last_name", "youth__coach__username")
        .annotate(n=Count("youth_id", distinct=True))
        .order_by("-n", "youth__coach__username")
    )
    return [
        (
            _coach_name(
                r["youth__coach__first_name"],
                r["youth__coach__last_name"],
                r["youth__coach__username"],
            ),
            r["n"],
        )
        for r in rows
    ]


@definition(
    "overdue_tasks",
    gettext_lazy("Försenade uppgifter per coach"),
    gettext_lazy(
        "Öppna uppgifter i arbetskön vars datum passerat (läget i dag, "
        "oberoende av vald period), per ansvarig coach."
    ),
)
def overdue_tasks(scope: Scope) -> list[tuple[str, int]]:
    today = scope.today or timezone.localdate()
    rows = (
        Task.objects.filter(scope.youth_q("youth__"), status=Task.Status.OPEN, due_date__lt=today)
        .values("youth__coach__first_name", "youth__coach__last_name", "youth__coach__username")
        .annotate(n=Count("id"))
        .order_by("-n", "youth__coach__username")
    )
    return [
        (
            _coach_name(
                r["youth__coach__first_name"],
                r["youth__coach__last_name"],
                r["youth__coach__username"],
            ),
            r["n"],
        )
        for r in rows
    ]


AGEING = [
    ("never", gettext_lazy("Aldrig nådd")),
    ("lt1", gettext_lazy("< 1 mån")),
    ("1to3", gettext_lazy("1–3 mån")),
    ("3to6", gettext_lazy("3–6 mån")),
    ("gt6", gettext_lazy("> 6 mån")),
]


@definition(
    "last_contact_ageing",
    gettext_lazy("Tid sedan senaste kontakt"),
    gettext_lazy(
        "Ungdomar i KAA vid periodens slut, efter tiden från den senaste "
        "kontakten med utfallet ”Nådd” till periodens slut: aldrig nådd, "
        "under 1 månad, 1–3, 3–6 och över 6 månader; per team och coach."
    ),
)
def last_contact_ageing(scope: Scope) -> list[dict[str, Any]]:
    limits = [scope.end - dt.timedelta(days=days) for days in (29, 90, 181)]
    today = scope.today or timezone.localdate()
    if scope.end >= today:  # nobody is reached in the future: the register's own fact
        last = None
    else:  # a past span: the newest reached day up to its end, from the contacts
        last = dict(
            ContactAttempt.objects.filter(
                scope.youth_q("youth__"), outcome=REACHED, at__lt=day_after(scope.end)
            )
            .annotate(day=TruncDate("at"))
            .values("youth_id")
            .annotate(last=Max("day"))
            .values_list("youth_id", "last")
            .order_by()
        )
    open_ids = _open_on(scope, scope.end).values("youth_id").order_by()
    table: dict[tuple[int | None, int | None], list[int]] = defaultdict(lambda: [0] * len(AGEING))
    for pk, team_id, coach_id, known in (
        Youth.objects.filter(pk__in=Subquery(open_ids))
        .order_by()
        .values_list("pk", "team_id", "coach_id", "last_reached_on")
    ):
        when = known if last is None else last.get(pk)
        table[(team_id, coach_id)][0 if when is None else 1 + sum(when < x for x in limits)] += 1
    # Looked up by the table's ids, None (no team, no coach) among them.
    teams: dict[int | None, str] = dict(
        Team.objects.filter(municipality_id=scope.municipality_id).values_list("pk", "name")
    )
    coaches: dict[int | None, str] = {
        u.pk: _coach_name(u.first_name, u.last_name, u.username)
        for u in User.objects.filter(pk__in={c for _t, c in table if c})
    }
    out = [
        {
            "team": teams.get(team_id) or _("Utan team"),
            "coach": coaches.get(coach_id) or _("Utan coach"),
            "counts": counts,
        }
        for (team_id, coach_id), counts in table.items()
    ]
    return sorted(out, key=lambda r: (r["team"], r["coach"]))


@definition(
    "channel_by_age",
    gettext_lazy("Vilken kanal når vilken ålder"),
    gettext_lazy(
        "Kontakter med utfallet ”Nådd” under perioden per kanal och ungdomens "
        "ålder på kontaktdagen."
    ),
)
def channel_by_age(scope: Scope) -> dict[str, Any]:
    counts: Counter[tuple[str, int]] = Counter()
    for r in _contact_rows(scope):
        if r["outcome"] == REACHED:
            counts[(r["channel"], min(max(r["age"] or 16, 16), 19))] += r["n"]
    channels = sorted({c for c, _age in counts}, key=_channel)
    return {
        "ages": [16, 17, 18, 19],
        "rows": [(_channel(c), [counts[(c, age)] for age in (16, 17, 18, 19)]) for c in channels],
    }


@definition(
    "deadline_compliance",
    gettext_lazy("Följsamhet till rutinens tidsfrister"),
    gettext_lazy(
        "Rutinsteg med datum under perioden: andelen som klarmarkerades senast "
        "på sitt datum, per steg. Steg som fortfarande är öppna efter sitt "
        "datum räknas som försenade; avbrutna steg räknas inte."
    ),
)
def deadline_compliance(scope: Scope) -> list[dict[str, Any]]:
    today = scope.today or timezone.localdate()
    rows = (
        Task.objects.filter(
            scope.youth_q("youth__"),
            kind=Task.Kind.STEP,
            due_date__range=(scope.start, min(scope.end, today)),
        )
        .exclude(status=Task.Status.CANCELLED)
        .values("title")
        .annotate(
            n=Count("id"),
            on_time=Count(
                "id", filter=Q(status=Task.Status.DONE, done_at__date__lte=F("due_date"))
            ),
        )
        .order_by("title")
    )
    return [{"step": r["title"], "due": r["n"], "on_time": r["on_time"]} for r in rows]


@definition(
    "monthly_trend",
    gettext_lazy("Utveckling per månad"),
    gettext_lazy(
        "De tolv månaderna fram till periodens slut: ungdomar i KAA vid "
        "månadens slut och nya registreringar under månaden."
    ),
)
def monthly_trend(scope: Scope) -> list[dict[str, Any]]:
    months = months_back(scope.end, 12)
    aggregates: dict[str, Any] = {}
    for i, m in enumerate(months):
        aggregates[f"open{i}"] = Count(
            "youth_id",
            distinct=True,
            filter=Q(start_date__lte=m.end) & (Q(end_date__isnull=True) | Q(end_date__gte=m.end)),
        )
        aggregates[f"new{i}"] = Count("id", filter=Q(start_date__range=(m.start, m.end)))
    got = periods(scope).aggregate(**aggregates)
    return [
        {"month": m, "open": got[f"open{i}"], "new": got[f"new{i}"]} for i, m in enumerate(months)
    ]


def _rechecks(scope: Scope) -> QuerySet[OutcomeRecheck]:
    """Re-checks dated in the span whose answer says whether it held (held, or now doing
    something else); not reached, unanswered and cancelled ones are left out."""
    return OutcomeRecheck.objects.filter(
        scope.youth_q("youth__"),
        due_date__range=(scope.start, scope.end),
        answer__in=["held", "changed"],
        cancelled_at__isnull=True,
    )


def _held_rows(rows: Any) -> list[dict[str, Any]]:
    """(group label, months, held) rows as one row per group and months: checked, held."""
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for label, months, held in rows:
        counts[(label, months)][0] += 1
        counts[(label, months)][1] += held
    return [
        {
            "group": _("%(group)s, %(months)s mån") % {"group": label, "months": months},
            "checked": checked,
            "held": held,
        }
        for (label, months), (checked, held) in sorted(counts.items())
    ]


@definition(
    "rechecks_by_destination",
    gettext_lazy("Höll det efter KAA? Per destination"),
    gettext_lazy(
        "Återkontroller med datum under perioden (som standard 3 och 6 månader efter att "
        "en KAA-period avslutades med studier eller arbete) där svaret är känt, per "
        "destination och antal månader: hur många som fortfarande studerade respektive "
        "arbetade. Ungdomar som inte gick att nå och obesvarade kontroller räknas inte."
    ),
)
def rechecks_by_destination(scope: Scope) -> list[dict[str, Any]]:
    labels = {"studying": _("Studier"), "working": _("Arbete")}
    rows = _rechecks(scope).values_list("destination", "months", "answer")
    return _held_rows((labels.get(d, d), m, answer == "held") for d, m, answer in rows)


@definition(
    "rechecks_by_intervention",
    gettext_lazy("Höll det efter KAA? Per insats"),
    gettext_lazy(
        "Samma återkontroller per insatstyp som ungdomen deltog i under KAA-perioden (insats "
        "i en handlingsplan för perioden, påbörjad och inte avböjd). En ungdom med flera "
        "insatstyper räknas under var och en; kontroller utan insats under ”Ingen insats”."
    ),
)
def rechecks_by_intervention(scope: Scope) -> list[dict[str, Any]]:
    checks = list(_rechecks(scope).values_list("pk", "period_id", "months", "answer"))
    types: dict[int, set[str]] = defaultdict(set)
    for period_id, name in (
        Intervention.objects.filter(
            plan__period_id__in={period_id for _pk, period_id, _m, _a in checks},
            declined=False,
            actual_start__isnull=False,
        )
        .values_list("plan__period_id", "type__name")
        .distinct()
    ):
        types[period_id].add(name)
    return _held_rows(
        (name, months, answer == "held")
        for _pk, period_id, months, answer in checks
        for name in (types.get(period_id) or {_("Ingen insats")})
    )


def compute_all(scope: Scope, keys: list[str] | None = None) -> dict[str, Any]:
    return {key: REGISTRY[key].compute(scope) for key in (keys or list(REGISTRY))}


@definition(
    "reached_by_channel",
    gettext_lazy("Kanal som nådde ungdomen"),
    gettext_lazy(
        "Kontakter med utfallet ”Nådd” under perioden, per kanal (sms, brev, "
        "sociala medier, telefon, e-post, personligt möte …)."
    ),
)
def reached_by_channel(scope: Scope) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for r in _contact_rows(scope):
        if r["outcome"] == REACHED:
            counts[r["channel"]] += r["n"]
    return [
        (_channel(c), n) for c, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
