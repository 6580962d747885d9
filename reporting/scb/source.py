"""What the SCB report is made from: per KAA period overlapping the half-year, one record with
what SCB's five kinds of rows need (registration, contacts, measures started and ended, the
end), derived from the register, the contact log and the plans.

`period_records` streams: one query derives every period's record in PostgreSQL (joins and
lateral subqueries) and the rows come from a server-side cursor in chunks, so memory stays
flat however many youths the municipality has, and Python handles tuples, not model
instances.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

from kaa.lib.days import day_after, day_start
from kaa.models import Municipality
from outreach.models import ContactAttempt
from plans.models import ActionPlan
from reporting.scb.periods import HalfYear
from youth.models import KaaPeriod

CHUNK = 2000


@dataclass
class Contact:
    on: dt.date
    occupation: str | None  # internal occupation code valid that day, None if unknown


@dataclass
class Measure:
    intervention_id: int
    plan_id: int
    name: str
    code: str  # plans.MeasureCode
    start: dt.date | None
    end: dt.date | None
    end_reason: str
    went_on_to: str | None


@dataclass
class Record:
    """One youth's KAA period as reported for one half-year."""

    youth_id: int
    period_id: int
    personnummer: str
    name: str
    protected_identity: bool
    birth_date: dt.date
    registration_date: dt.date
    registration_reason: str
    registration_reason_label: str
    period_end: dt.date | None  # the period's real end, also when after the half-year
    end_reason: str | None
    end_reason_label: str
    contacts: list[Contact] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)  # started, overlapping the half-year
    stray_contacts: list[dt.date] = field(default_factory=list)  # logged on it, outside it
    stray_measures: list[Measure] = field(default_factory=list)  # broken or outside the period
    occupation_now: str | None = None  # at the half-year's end (or the period's end)
    occupation_ends_kaa: bool = False

    @property
    def ended_in(self) -> bool:
        return self.period_end is not None

    def ended_within(self, period: HalfYear) -> bool:
        return self.period_end is not None and period.start <= self.period_end <= period.end

    def measures_ended(self, period: HalfYear) -> list[Measure]:
        return [
            m for m in self.measures if m.end is not None and period.start <= m.end <= period.end
        ]


@dataclass
class Excluded:
    """A period that overlaps the half-year but is not reported, and why."""

    youth_id: int
    name: str
    personnummer: str
    why: str


# The periods reported for a half-year: the municipality's KAA periods overlapping it, never
# a period of extended responsibility after 20 (UKAA), which is outside the SCB report (as
# `KaaPeriod.objects.kaa()`). Every read of the export selects its periods here and nowhere else.
PERIODS_SQL = """
    SELECT p.id, p.youth_id, p.start_date, p.end_date, p.registration_reason_id,
           p.deregistration_reason_id
    FROM youth_kaaperiod p
    JOIN youth_youth y ON y.id = p.youth_id
    WHERE y.municipality_id = %(municipality)s
      AND p.kind = %(kaa_period)s
      AND p.start_date <= %(period_end)s
      AND (p.end_date IS NULL OR p.end_date >= %(period_start)s)
"""

# A reached contact belongs to the period it is logged on, or, logged on none, to the period
# its day falls in; its day is the local day, and a day counts once. The occupation on a day is
# the confirmed one covering it whose start is latest. An intervention belongs to its plan's
# period, or, without one, to the period its start (or end) falls in; only KAA plans count,
# and not interventions declined or never begun nor ended. Each part is one grouped set
# operation over all the periods (hash joins), not a subquery per period.
RECORDS_SQL = f"""
    WITH kp AS MATERIALIZED ({PERIODS_SQL}),
    contact_days AS (
        SELECT DISTINCT p.id AS period_id, p.youth_id, (c.at AT TIME ZONE %(tz)s)::date AS day
        FROM kp p
        JOIN outreach_contactattempt c ON c.youth_id = p.youth_id
        WHERE c.outcome = %(reached)s AND c.at >= %(at_from)s AND c.at < %(at_to)s
          AND (c.period_id = p.id OR c.period_id IS NULL)
          AND (c.at AT TIME ZONE %(tz)s)::date >= p.start_date
          AND (p.end_date IS NULL OR (c.at AT TIME ZONE %(tz)s)::date <= p.end_date)
    ),
    contact_occupations AS (
        SELECT DISTINCT ON (d.period_id, d.day) d.period_id, d.day, t.code
        FROM contact_days d
        LEFT JOIN youth_occupation o ON o.youth_id = d.youth_id AND o.confirmed
             AND o.start_date <= %(period_end)s AND o.start_date <= d.day
             AND (o.end_date IS NULL OR o.end_date >= d.day)
        LEFT JOIN youth_occupationtype t ON t.id = o.type_id
        ORDER BY d.period_id, d.day, o.start_date DESC NULLS LAST, o.id DESC
    ),
    contacts AS (
        SELECT period_id, array_agg(day ORDER BY day) AS days,
               array_agg(code ORDER BY day) AS occupations
        FROM contact_occupations GROUP BY period_id
    ),
    strays AS (
        SELECT p.id AS period_id,
               array_agg((c.at AT TIME ZONE %(tz)s)::date ORDER BY c.at, c.id) AS days
        FROM kp p
        JOIN outreach_contactattempt c ON c.period_id = p.id AND c.youth_id = p.youth_id
        WHERE c.outcome = %(reached)s
          AND ((c.at AT TIME ZONE %(tz)s)::date < p.start_date
               OR (c.at AT TIME ZONE %(tz)s)::date > p.end_date)
        GROUP BY p.id
    ),
    measures AS (
        SELECT p.id AS period_id,
               array_agg(i.id ORDER BY i.actual_start, i.id) AS ids,
               array_agg(i.plan_id ORDER BY i.actual_start, i.id) AS plans,
               array_agg(it.name ORDER BY i.actual_start, i.id) AS names,
               array_agg(it.measure_code ORDER BY i.actual_start, i.id) AS codes,
               array_agg(i.actual_start ORDER BY i.actual_start, i.id) AS starts,
               array_agg(i.actual_end ORDER BY i.actual_start, i.id) AS ends,
               array_agg(i.end_reason ORDER BY i.actual_start, i.id) AS reasons,
               array_agg(wt.code ORDER BY i.actual_start, i.id) AS went
        FROM kp p
        JOIN plans_actionplan pl ON pl.youth_id = p.youth_id AND pl.kind = %(kaa_plan)s
        JOIN plans_intervention i ON i.plan_id = pl.id
        JOIN plans_interventiontype it ON it.id = i.type_id
        LEFT JOIN youth_occupationtype wt ON wt.id = i.went_on_to_id
        WHERE NOT i.declined
          AND (i.actual_start IS NOT NULL OR i.actual_end IS NOT NULL)
          AND CASE WHEN pl.period_id IS NOT NULL THEN pl.period_id = p.id
                   ELSE COALESCE(i.actual_start, i.actual_end) >= p.start_date
                        AND (p.end_date IS NULL
                             OR COALESCE(i.actual_start, i.actual_end) <= p.end_date)
              END
        GROUP BY p.id
    ),
    occupation_now AS (
        SELECT DISTINCT ON (p.id) p.id AS period_id, t.code, t.ends_kaa
        FROM kp p
        JOIN youth_occupation o ON o.youth_id = p.youth_id AND o.confirmed
             AND o.start_date <= %(period_end)s
             AND o.start_date <= LEAST(%(period_end)s, COALESCE(p.end_date, %(period_end)s))
             AND (o.end_date IS NULL
                  OR o.end_date >= LEAST(%(period_end)s, COALESCE(p.end_date, %(period_end)s)))
        JOIN youth_occupationtype t ON t.id = o.type_id
        ORDER BY p.id, o.start_date DESC, o.id DESC
    )
    SELECT p.id, p.youth_id, p.start_date, p.end_date,
           y.personnummer, y.first_name, y.last_name, y.protected_identity, y.birth_date,
           rr.code, rr.label, dr.code, dr.label, COALESCE(dr.outside_target_group, false),
           cs.days, cs.occupations, st.days, ms.ids, ms.plans, ms.names, ms.codes, ms.starts,
           ms.ends, ms.reasons, ms.went, now.code, COALESCE(now.ends_kaa, false)
    FROM kp p
    JOIN youth_youth y ON y.id = p.youth_id
    JOIN youth_reason rr ON rr.id = p.registration_reason_id
    LEFT JOIN youth_reason dr ON dr.id = p.deregistration_reason_id
    LEFT JOIN contacts cs ON cs.period_id = p.id
    LEFT JOIN strays st ON st.period_id = p.id
    LEFT JOIN measures ms ON ms.period_id = p.id
    LEFT JOIN occupation_now now ON now.period_id = p.id
    ORDER BY p.youth_id, p.start_date, p.id
"""  # noqa: S608  # nosec B608 - composed of constants; values are bound parameters


def _records_params(municipality: Municipality, period: HalfYear) -> dict[str, Any]:
    return {
        "municipality": municipality.pk,
        "period_start": period.start,
        "period_end": period.end,
        "at_from": day_start(period.start),
        "at_to": day_after(period.end),
        "tz": settings.TIME_ZONE,
        "reached": ContactAttempt.Outcome.REACHED,
        "kaa_plan": ActionPlan.Kind.KAA,
        "kaa_period": KaaPeriod.Kind.KAA,
    }


def _inside(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or day <= end)


def _record(row: tuple[Any, ...], period: HalfYear) -> Record | Excluded:
    (
        period_id,
        youth_id,
        start,
        end,
        pnr,
        first,
        last,
        protected,
        born,
        reg_code,
        reg_label,
        end_code,
        end_label,
        outside_group,
        days,
        occupations,
        strays,
        *measure_columns,
        now_code,
        now_ends,
    ) = row
    if outside_group:
        return Excluded(youth_id=youth_id, name=f"{first} {last}", personnummer=pnr, why=end_label)
    rec = Record(
        youth_id=youth_id,
        period_id=period_id,
        personnummer=pnr,
        name=f"{first} {last}",
        protected_identity=protected,
        birth_date=born,
        registration_date=start,
        registration_reason=reg_code,
        registration_reason_label=reg_label,
        period_end=end,
        end_reason=end_code,
        end_reason_label=end_label or "",
        occupation_now=now_code,
        occupation_ends_kaa=now_ends,
    )
    if days:
        rec.contacts = [
            Contact(on=day, occupation=occ) for day, occ in zip(days, occupations, strict=True)
        ]
    if strays:
        rec.stray_contacts = strays
    if measure_columns[0]:
        measures = zip(*measure_columns, strict=True)
        for pk, plan_id, name, code, m_start, m_end, reason, went in measures:
            m = Measure(
                intervention_id=pk,
                plan_id=plan_id,
                name=name,
                code=code,
                start=m_start,
                end=m_end,
                end_reason=reason,
                went_on_to=went,
            )
            broken = m_start is None or (m_end is not None and m_end < m_start)
            if broken or not _inside(start, end, m_start):
                if (m_end or m_start or period.start) >= period.start:
                    rec.stray_measures.append(m)
            elif m_start <= period.end and (m_end is None or m_end >= period.start):
                rec.measures.append(m)
    return rec


def period_records(
    municipality: Municipality,
    period: HalfYear,
) -> Iterator[Record | Excluded]:
    """Every KAA period of the municipality overlapping `period`, as a Record, or as Excluded
    when it is not to be reported (registered in error: never part of the target group).

    One query derives each period's contact days (with the occupation on each), stray
    contacts, interventions and current occupation in PostgreSQL; the rows stream from a
    server-side cursor CHUNK at a time. On another database (the embedded demo's SQLite) the
    same records are read through the ORM."""
    if connection.vendor != "postgresql":
        from reporting.scb.source_portable import period_records_portable

        yield from period_records_portable(municipality, period)
        return
    connection.ensure_connection()
    local = connection.in_atomic_block
    with connection.chunked_cursor() as cursor:
        # A cursor's plan is made for its first rows (cursor_tuple_fraction 0.1: nested
        # loops); the export reads every row, so it is planned for all of them (hash joins).
        with connection.cursor() as setting:
            setting.execute("SELECT set_config('cursor_tuple_fraction', '1', %s)", [local])
        try:
            cursor.execute(RECORDS_SQL, _records_params(municipality, period))
        finally:
            if not local:
                with connection.cursor() as setting:
                    setting.execute("RESET cursor_tuple_fraction")
        while rows := cursor.fetchmany(CHUNK):
            for row in rows:
                yield _record(row, period)
