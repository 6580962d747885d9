"""Reads of the identification page: the sources and how fresh they are, the latest run and
the open proposals with their reasons in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.models import Municipality
from youth.identification import diff, rule
from youth.identification.models import Proposal, Run, Source, SourceDelivery, Ss12000Connection
from youth.register.models import Guardian, KaaPeriod, Reason, Youth

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

QUEUE_LIMIT = 1000

# Reasons for leaving and kinds of change, in words (registration reasons are the register's).
LEAVING_LABELS = {
    "AVLIDEN": _("Avliden"),
    "UTVANDRAD": _("Utvandrad"),
    "AVREGISTRERAD": _("Avregistrerad ur folkbokföringen"),
    "UTFLYTTAD": _("Inte längre folkbokförd i kommunen"),
    "FYLLT_20": _("Fyllt 20 år"),
    "SLUTFORT_MED_EXAMEN": _("Slutfört med examen"),
    "PABORJAT_NATIONELLT_EL_MOTSV": _("Börjat i gymnasieskolan"),
    "SKOLPLIKTIG": _("Fortfarande i grundskolan eller under skolpliktsåldern"),
}
CHANGE_LABELS = {
    "IDENTITY": _("Nytt personnummer"),
    "PROTECTED_SET": _("Skyddade personuppgifter"),
    "PROTECTED_LIFTED": _("Skyddade personuppgifter upphävda"),
    "ADDRESS": _("Ny adress"),
    "GUARDIAN": _("Ny vårdnadshavare"),
}


@dataclass
class SourceState:
    source: Source
    latest: SourceDelivery | None
    stale: bool


def sources_state(*, municipality: Municipality) -> list[SourceState]:
    """Each source with its latest delivery; stale when older than its expected cadence."""
    now = timezone.now()
    states = []
    for source in Source.objects.filter(municipality=municipality):
        latest = SourceDelivery.objects.filter(source=source).select_related("arrived_by").first()
        stale = latest is None or latest.arrived_at < now - dt.timedelta(days=source.cadence_days)
        states.append(SourceState(source, latest, stale))
    return states


def ss12000_connections(*, municipality: Municipality) -> list[Ss12000Connection]:
    """The municipality's SS 12000 connections with the outcome of their latest pull."""
    return list(Ss12000Connection.objects.filter(municipality=municipality))


def latest_run(*, municipality: Municipality) -> Run | None:
    return Run.objects.filter(municipality=municipality).first()


def _labels() -> dict[str, StrOrPromise]:
    registration: dict[str, StrOrPromise] = dict(
        Reason.objects.filter(kind=Reason.Kind.REGISTRATION).values_list("code", "label")
    )
    return {**registration, **LEAVING_LABELS, **CHANGE_LABELS}


def open_proposals(*, municipality: Municipality) -> list[Proposal]:
    """The open proposals (at most QUEUE_LIMIT), new first, each with `reason_label` and
    `change_labels`."""
    labels = _labels()
    proposals = list(
        Proposal.objects.open()
        .filter(municipality=municipality)
        .select_related("youth")[:QUEUE_LIMIT]
    )
    for proposal in proposals:
        proposal.reason_label = labels.get(proposal.reason, proposal.reason)
        proposal.change_labels = [labels.get(c, c) for c in proposal.changes]
    return proposals


def proposals_in(*, municipality: Municipality) -> QuerySet[Proposal]:
    return Proposal.objects.filter(municipality=municipality)


@dataclass
class RegisterSide:
    """What the register holds about the proposal's person (the left side of the page)."""

    youth: Youth | None
    open_period: KaaPeriod | None
    guardians: list[str]


def register_side(*, proposal: Proposal) -> RegisterSide:
    youth = (
        proposal.youth
        or Youth.objects.filter(
            municipality=proposal.municipality, personnummer=proposal.personnummer
        ).first()
    )
    if youth is None:
        return RegisterSide(None, None, [])
    period = (
        KaaPeriod.objects.kaa()
        .filter(youth=youth, end_date__isnull=True)
        .select_related("registration_reason")
        .first()
    )
    guardians = list(Guardian.objects.filter(youth=youth).values_list("name", flat=True))
    return RegisterSide(youth, period, guardians)


def proposal_labelled(proposal: Proposal) -> Proposal:
    labels = _labels()
    proposal.reason_label = labels.get(proposal.reason, proposal.reason)
    proposal.change_labels = [labels.get(c, c) for c in proposal.changes]
    return proposal


# Coverage: the rule's target group (over the stored sources, on the latest run's date)
# against the youths with an open KAA period. Built from constant fragments only.
_COVERAGE_CTE = f"""
WITH f AS ({rule.FACTS_SQL}),
g AS (SELECT f.id, f.personnummer FROM f WHERE {rule.IN_GROUP_SQL}),
r AS (SELECT DISTINCT reg.youth_id, reg.personnummer FROM ({diff.REGISTER_SQL}) reg)
"""  # noqa: S608  # nosec B608  constant fragments, no input
_COVERAGE_COUNT = """
SELECT COUNT(g.personnummer),
       COUNT(*) FILTER (WHERE g.personnummer IS NOT NULL AND r.youth_id IS NOT NULL),
       COUNT(*) FILTER (WHERE g.personnummer IS NULL)
FROM g FULL OUTER JOIN r ON r.personnummer = g.personnummer
"""
COVERAGE_COUNT_SQL = _COVERAGE_CTE + _COVERAGE_COUNT  # constant fragments, no input
# Which rows each coverage list shows.
COVERAGE_LISTS = {
    "malgruppen": "g.personnummer IS NOT NULL",
    "registrerade": "g.personnummer IS NOT NULL AND r.youth_id IS NOT NULL",
    "saknas": "g.personnummer IS NOT NULL AND r.youth_id IS NULL",
    "utanfor": "g.personnummer IS NULL",
}
_COVERAGE_LIST = """
SELECT COALESCE(g.personnummer, r.personnummer) AS personnummer, r.youth_id,
       (g.personnummer IS NOT NULL) AS in_group,
       COALESCE(y.first_name, p.first_name, '') AS first_name,
       COALESCE(y.last_name, p.last_name, '') AS last_name,
       COALESCE(y.protected_identity, p.protected, FALSE) AS protected
FROM g FULL OUTER JOIN r ON r.personnummer = g.personnummer
LEFT JOIN youth_populationrecord p ON p.id = g.id
LEFT JOIN youth_youth y ON y.id = r.youth_id
WHERE {where}
ORDER BY last_name, first_name, personnummer
LIMIT %(limit)s OFFSET %(offset)s
"""
# Constant fragments; {where} is one of COVERAGE_LISTS, no input.
COVERAGE_LIST_SQL = _COVERAGE_CTE + _COVERAGE_LIST
COVERAGE_LIST_SQLS = {
    kind: COVERAGE_LIST_SQL.replace("{where}", where) for kind, where in COVERAGE_LISTS.items()
}
COVERAGE_PAGE = 200


@dataclass
class Coverage:
    """How many persons the registers put in the target group (`in_group`), how many of them
    have an open KAA period (`registered`), and how many with an open period the registers
    do not put in the group (`outside`), by the rule on the latest run's date."""

    run: Run
    in_group: int
    registered: int
    outside: int

    @property
    def missing(self) -> int:
        return self.in_group - self.registered

    @property
    def percent(self) -> int | None:
        """Share of the target group in the register, rounded down (100 only when complete)."""
        return 100 * self.registered // self.in_group if self.in_group else None

    @property
    def complete(self) -> bool:
        return self.missing == 0 and self.outside == 0


def _coverage_params(municipality: Municipality, on: dt.date) -> dict[str, str | dt.date | int]:
    return {"code": municipality.code, "on": on, "municipality": municipality.pk}


def coverage(*, municipality: Municipality) -> Coverage | None:
    """None before the first run. Counted over the sources as stored now, on the date the
    latest run applied the rule."""
    run = latest_run(municipality=municipality)
    if run is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(COVERAGE_COUNT_SQL, _coverage_params(municipality, run.on))
        in_group, registered, outside = cursor.fetchone()
    return Coverage(run=run, in_group=in_group, registered=registered, outside=outside)


@dataclass
class CoveredPerson:
    personnummer: str
    youth_id: int | None
    in_group: bool
    first_name: str
    last_name: str
    protected: bool

    @property
    def personnummer_formatted(self) -> str:
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}"


def coverage_list(
    *, municipality: Municipality, on: dt.date, kind: str, page: int = 1
) -> list[CoveredPerson]:
    """One page of one coverage list (`kind` a key of COVERAGE_LISTS)."""
    sql = COVERAGE_LIST_SQLS[kind]
    params = _coverage_params(municipality, on) | {
        "limit": COVERAGE_PAGE,
        "offset": (max(page, 1) - 1) * COVERAGE_PAGE,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [CoveredPerson(*row) for row in cursor.fetchall()]
