"""The SCB records read through the ORM, for a database without PostgreSQL's SQL (the embedded
demo database). `reporting.scb.source.period_records` derives the same records in one
PostgreSQL query; the golden-file test runs both paths on the same register and compares them
with the same stored output, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, NamedTuple

from django.db.models import Q
from django.utils import timezone

from kaa.lib.days import day_after, day_start
from kaa.models import Municipality
from outreach.models import ContactAttempt
from plans.models import ActionPlan, Intervention
from reporting.scb.periods import HalfYear
from reporting.scb.source import CHUNK, Contact, Excluded, Measure, Record
from youth.models import KaaPeriod, Occupation, Reason


def _chunks(iterable: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class PeriodRow(NamedTuple):
    """A KAA period with the youth's fields the report needs, read as a tuple: the export
    handles every period of the municipality, and a model instance per period and youth cost
    more than the query."""

    pk: int
    youth_id: int
    start_date: dt.date
    end_date: dt.date | None
    registration_reason_id: int
    deregistration_reason_id: int | None
    personnummer: str
    first_name: str
    last_name: str
    protected_identity: bool
    birth_date: dt.date

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def periods_overlapping(municipality: Municipality, period: HalfYear) -> Any:
    """The periods of the municipality overlapping `period`, as PeriodRow tuples."""
    return (
        KaaPeriod.objects.kaa()
        .filter(youth__municipality=municipality, start_date__lte=period.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
        .order_by("youth_id", "start_date", "pk")
        .values_list(*PeriodRow._fields[:6], *(f"youth__{f}" for f in PeriodRow._fields[6:]))
    )


def _local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


class _Occupations:
    """A chunk's confirmed occupation history, to answer "what did they do on day X"."""

    def __init__(self, youth_ids: list[int], until: dt.date) -> None:
        self.by_youth: dict[int, list[tuple[dt.date, dt.date | None, str, bool]]] = defaultdict(
            list
        )
        rows = (
            Occupation.objects.filter(
                youth_id__in=youth_ids, confirmed=True, start_date__lte=until
            )
            .order_by("start_date", "id")
            .values_list("youth_id", "start_date", "end_date", "type__code", "type__ends_kaa")
        )
        for youth_id, start, end, code, ends in rows:
            self.by_youth[youth_id].append((start, end, code, ends))

    def on(self, youth_id: int, day: dt.date) -> tuple[str | None, bool]:
        found: tuple[str | None, bool] = (None, False)
        for start, end, code, ends in self.by_youth.get(youth_id, []):
            if start <= day and (end is None or end >= day):
                found = (code, ends)  # the latest start wins
        return found


def _contacts(
    periods: list[PeriodRow], period: HalfYear
) -> dict[int, list[tuple[int | None, dt.date]]]:
    start, end = day_start(period.start), day_after(period.end)
    youth_ids = [p.youth_id for p in periods]
    rows = (
        ContactAttempt.objects.filter(outcome=ContactAttempt.Outcome.REACHED)
        .filter(
            Q(youth_id__in=youth_ids, at__gte=start, at__lt=end)
            | Q(period_id__in=[p.pk for p in periods])
        )
        .order_by("at", "id")
        .values_list("youth_id", "period_id", "at")
    )
    out: dict[int, list[tuple[int | None, dt.date]]] = defaultdict(list)
    for youth_id, period_id, at in rows:
        out[youth_id].append((period_id, _local_day(at)))
    return out


def _interventions(periods: list[PeriodRow]) -> dict[int, list[tuple[int | None, Measure]]]:
    rows = (
        Intervention.objects.filter(
            plan__youth_id__in=[p.youth_id for p in periods],
            plan__kind=ActionPlan.Kind.KAA,
            declined=False,
        )
        .filter(Q(actual_start__isnull=False) | Q(actual_end__isnull=False))
        .order_by("actual_start", "id")
        .values_list(
            "id",
            "plan_id",
            "plan__youth_id",
            "plan__period_id",
            "type__name",
            "type__measure_code",
            "actual_start",
            "actual_end",
            "end_reason",
            "went_on_to__code",
        )
    )
    out: dict[int, list[tuple[int | None, Measure]]] = defaultdict(list)
    for pk, plan_id, youth_id, period_id, name, code, start, end, reason, went in rows:
        out[youth_id].append(
            (
                period_id,
                Measure(
                    intervention_id=pk,
                    plan_id=plan_id,
                    name=name,
                    code=code,
                    start=start,
                    end=end,
                    end_reason=reason,
                    went_on_to=went,
                ),
            )
        )
    return out


def _belongs(kp: PeriodRow, linked_id: int | None, day: dt.date | None) -> bool:
    if linked_id is not None:
        return linked_id == kp.pk
    return day is not None and kp.start_date <= day and (kp.end_date is None or day <= kp.end_date)


def _inside(kp: PeriodRow, day: dt.date) -> bool:
    return kp.start_date <= day and (kp.end_date is None or day <= kp.end_date)


def _record(
    kp: PeriodRow,
    reasons: dict[int, Reason],
    period: HalfYear,
    contacts: list[tuple[int | None, dt.date]],
    measures: list[tuple[int | None, Measure]],
    occupations: _Occupations,
) -> Record:
    registration = reasons[kp.registration_reason_id]
    end_reason = reasons.get(kp.deregistration_reason_id) if kp.deregistration_reason_id else None
    rec = Record(
        youth_id=kp.youth_id,
        period_id=kp.pk,
        personnummer=kp.personnummer,
        name=kp.full_name,
        protected_identity=kp.protected_identity,
        birth_date=kp.birth_date,
        registration_date=kp.start_date,
        registration_reason=registration.code,
        registration_reason_label=registration.label,
        period_end=kp.end_date,
        end_reason=end_reason.code if end_reason else None,
        end_reason_label=end_reason.label if end_reason else "",
    )
    seen_days: set[dt.date] = set()
    for linked, day in contacts:
        if not _belongs(kp, linked, day):
            continue
        if not _inside(kp, day):
            rec.stray_contacts.append(day)
        elif period.start <= day <= period.end and day not in seen_days:
            seen_days.add(day)  # one contact occasion per day
            rec.contacts.append(Contact(on=day, occupation=occupations.on(kp.youth_id, day)[0]))
    for linked, m in measures:
        if not _belongs(kp, linked, m.start or m.end):
            continue
        if m.start is None or (m.end is not None and m.end < m.start) or not _inside(kp, m.start):
            if (m.end or m.start or period.start) >= period.start:
                rec.stray_measures.append(m)
            continue
        if m.start <= period.end and (m.end is None or m.end >= period.start):
            rec.measures.append(m)
    as_of = min(period.end, kp.end_date) if kp.end_date else period.end
    rec.occupation_now, rec.occupation_ends_kaa = occupations.on(kp.youth_id, as_of)
    return rec


def period_records_portable(
    municipality: Municipality,
    period: HalfYear,
) -> Iterator[Record | Excluded]:
    """What `period_records` yields, read with the ORM only (periods in chunks, each chunk's
    contacts, occupations and interventions in three queries) and derived in Python."""
    reasons = {reason.pk: reason for reason in Reason.objects.all()}
    rows = (PeriodRow(*row) for row in periods_overlapping(municipality, period).iterator(CHUNK))
    for chunk in _chunks(rows, CHUNK):
        youth_ids = [kp.youth_id for kp in chunk]
        contacts = _contacts(chunk, period)
        measures = _interventions(chunk)
        occupations = _Occupations(youth_ids, period.end)
        for kp in chunk:
            reason = (
                reasons.get(kp.deregistration_reason_id) if kp.deregistration_reason_id else None
            )
            if reason is not None and reason.outside_target_group:
                yield Excluded(
                    youth_id=kp.youth_id,
                    name=kp.full_name,
                    personnummer=kp.personnummer,
                    why=reason.label,
                )
                continue
            yield _record(
                kp,
                reasons,
                period,
                contacts.get(kp.youth_id, []),
                measures.get(kp.youth_id, []),
                occupations,
            )
