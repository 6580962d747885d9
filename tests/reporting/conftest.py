"""A small register for the SCB report, built straight in the database with exact dates.

`Builder` makes youths, periods, contacts, occupations and interventions without the services'
"today" rules, so that a past half-year (2026H1) can be laid out day by day."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from outreach.models import ContactAttempt
from plans.models import ActionPlan, Intervention, InterventionType, MeasureCode
from reporting.scb.periods import HalfYear
from tests.factories import (
    ActionPlanFactory,
    ContactAttemptFactory,
    InterventionFactory,
    InterventionTypeFactory,
    KaaPeriodFactory,
    OccupationFactory,
    TaskFactory,
    YouthFactory,
    occupation_type,
)
from youth.models import KaaPeriod, Occupation, Youth

H1 = HalfYear(2026, 1)
D = dt.date
BORN = D(2008, 5, 17)
_serial = itertools.count(200)


class Builder:
    """Rows with exact dates, made by the factories (no service runs)."""

    def __init__(self, municipality, staff) -> None:
        self.municipality, self.staff = municipality, staff
        self.types: dict[str, InterventionType] = {}

    def youth(
        self,
        name: str,
        *,
        born: dt.date = BORN,
        protected: bool = False,
        coordination: bool = False,
    ) -> Youth:
        first, _, last = name.partition(" ")
        return YouthFactory(
            municipality=self.municipality,
            birth_date=born,
            serial=next(_serial),
            coordination=coordination,
            first_name=first,
            last_name=last or "Test",
            protected_identity=protected,
        )

    def period(
        self,
        youth: Youth,
        start: dt.date,
        reg: str = "AVBROTT_NATIONELLT",
        end: dt.date | None = None,
        dereg: str | None = None,
    ) -> KaaPeriod:
        return KaaPeriodFactory(youth=youth, start_date=start, reg=reg, end_date=end, dereg=dereg)

    def contact(
        self,
        youth: Youth,
        day: dt.date,
        *,
        period: KaaPeriod | None = None,
        outcome: str = ContactAttempt.Outcome.REACHED,
        hour: int = 10,
    ) -> ContactAttempt:
        return ContactAttemptFactory(
            youth=youth, period=period, day=day, hour=hour, outcome=outcome, staff=self.staff
        )

    def occupation(
        self, youth: Youth, code: str, start: dt.date, end: dt.date | None = None
    ) -> Occupation:
        Occupation.objects.filter(youth=youth, end_date__isnull=True).update(
            end_date=start - dt.timedelta(days=1)
        )
        return OccupationFactory(youth=youth, code=code, start_date=start, end_date=end)

    def plan(
        self,
        youth: Youth,
        period: KaaPeriod | None,
        start: dt.date,
        kind: str = ActionPlan.Kind.KAA,
    ) -> ActionPlan:
        return ActionPlanFactory(
            youth=youth, kind=kind, period=period, case_worker=self.staff, start_date=start
        )

    def intervention(
        self,
        plan: ActionPlan,
        code: str,
        start: dt.date | None,
        end: dt.date | None = None,
        after: str | None = None,
        **fields,
    ) -> Intervention:
        kind = self.types.get(code)
        if kind is None:
            kind = InterventionTypeFactory(
                municipality=self.municipality, name=f"Insats {code}", measure_code=code
            )
            self.types[code] = kind
        return InterventionFactory(
            plan=plan,
            type=kind,
            purpose="",
            actual_start=start,
            actual_end=end,
            went_on_to=occupation_type(after) if after else None,
            **fields,
        )


@pytest.fixture
def build(municipality, coordinator):
    return Builder(municipality, coordinator)


@pytest.fixture
def register(build):
    """The SCB edge cases in 2026H1 (January-June 2026)."""
    b = build
    y = {}
    # Anna: open since autumn; two contacts (one day twice), a failed attempt, one before the
    # half-year; one measure ended in it, one running since before it, one declined.
    y["anna"] = b.youth("Anna Andersson")
    pa = b.period(y["anna"], D(2025, 9, 1))
    b.contact(y["anna"], D(2025, 12, 1), period=pa)
    b.occupation(y["anna"], "SAKNAR", D(2026, 2, 10))
    b.contact(y["anna"], D(2026, 2, 10), period=pa)
    b.contact(y["anna"], D(2026, 2, 10), period=pa, hour=15)
    b.contact(y["anna"], D(2026, 3, 1), period=pa, outcome=ContactAttempt.Outcome.NO_ANSWER)
    b.occupation(y["anna"], "ARBETE", D(2026, 4, 5))
    b.contact(y["anna"], D(2026, 4, 5), period=pa)
    plan = b.plan(y["anna"], pa, D(2025, 10, 1))
    b.intervention(
        plan, MeasureCode.SYV, D(2026, 3, 1), D(2026, 5, 31), after="ARBETE", end_reason="work"
    )
    b.intervention(plan, MeasureCode.PRAKTIK, D(2025, 11, 1))
    b.intervention(plan, MeasureCode.MOTIVATION, None, declined=True)
    # Bo: registered in the half-year, moved out in it, never reached.
    y["bo"] = b.youth("Bo Berg")
    b.period(y["bo"], D(2026, 2, 1), "STUDIEBEVIS", D(2026, 5, 15), "EJ_FOLKBOKFORD_I_KOMMUNEN")
    # Cia: two periods in one half-year; a contact in the second with no occupation known.
    y["cia"] = b.youth("Cia Carlsson")
    b.period(y["cia"], D(2026, 1, 10), "OVRIGT", D(2026, 2, 20), "PABORJAT_NATIONELLT_EL_MOTSV")
    pc2 = b.period(y["cia"], D(2026, 4, 1), "ALDRIG_GYMNASIAL")
    b.contact(y["cia"], D(2026, 4, 10), period=pc2)
    # Dan: turns 20 on 15 March 2026; the period ended the day before.
    y["dan"] = b.youth("Dan Dahl", born=D(2006, 3, 15))
    b.period(y["dan"], D(2025, 8, 1), "AVBROTT_NATIONELLT", D(2026, 3, 14), "FYLLT_20")
    # Eva: registered in error: not reported at all.
    y["eva"] = b.youth("Eva Ek")
    b.period(y["eva"], D(2026, 1, 5), "OVRIGT", D(2026, 1, 20), "FELREGISTRERAD")
    # Fia: protected identity: reported like everyone else (never named outside the app).
    y["fia"] = b.youth("Fia Fors", protected=True)
    pf = b.period(y["fia"], D(2026, 3, 1), "FOLKBOKFORD_EJ_SKOLPLIKTIG")
    b.occupation(y["fia"], "ARBETSSOKANDE", D(2026, 3, 2))
    b.contact(y["fia"], D(2026, 3, 2), period=pf)
    # Gus ended before the half-year, Hugo starts after it: neither is in the report.
    y["gus"] = b.youth("Gus Gustavsson")
    b.period(y["gus"], D(2025, 9, 1), "AVBROTT_NATIONELLT", D(2025, 12, 31), "OVRIGT")
    y["hugo"] = b.youth("Hugo Holm")
    b.period(y["hugo"], D(2026, 7, 1))
    return y


# October 2026 for the statistics, hand-counted in tests/reporting/test_stats.py.


def at(day, hour=10, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def attempt(youth, day, channel, outcome, hour=10, minute=0):
    return ContactAttemptFactory(
        youth=youth, at=at(day, hour, minute), channel=channel, outcome=outcome
    )


@pytest.fixture
def october(build, coach, colleague, team):
    b = build
    y = {}
    y["y1"] = b.youth("Ylva Ett", born=D(2008, 5, 17))
    y["y1"].coach, y["y1"].team = coach, team
    y["y1"].save()
    b.period(y["y1"], D(2026, 9, 1))
    attempt(y["y1"], D(2026, 10, 20), "letter", "sent")
    b.occupation(y["y1"], "ARBETE", D(2026, 10, 31))
    attempt(y["y1"], D(2026, 10, 31), "phone", "reached", hour=23, minute=30)  # last evening
    plan = b.plan(y["y1"], y["y1"].periods.get(), D(2026, 9, 10))
    b.intervention(plan, MeasureCode.SYV, D(2026, 10, 5), D(2026, 10, 25), after="ARBETE")
    b.intervention(plan, MeasureCode.PRAKTIK, D(2026, 9, 15))
    # Protected identity, registered twice in October.
    y["y2"] = b.youth("Hemlig Skyddsdottir", born=D(2009, 11, 1), protected=True)
    y["y2"].coach, y["y2"].team = coach, team
    y["y2"].save()
    b.period(
        y["y2"], D(2026, 10, 2), "STUDIEBEVIS", D(2026, 10, 10), "PABORJAT_NATIONELLT_EL_MOTSV"
    )
    b.period(y["y2"], D(2026, 10, 20))
    attempt(y["y2"], D(2026, 10, 5), "phone", "no_answer")
    attempt(y["y2"], D(2026, 10, 22), "sms", "reached")
    y["y3"] = b.youth("Tre Tidigare")
    b.period(y["y3"], D(2026, 6, 1), "AVBROTT_NATIONELLT", D(2026, 9, 30), "OVRIGT")
    y["y4"] = b.youth("Fyra Fyrasson")
    y["y4"].coach, y["y4"].team = colleague, team
    y["y4"].save()
    b.period(y["y4"], D(2026, 10, 15))
    y["y5"] = b.youth("Fem Senare")
    b.period(y["y5"], D(2026, 11, 5))
    for due, status, done in [
        (D(2026, 10, 10), "done", D(2026, 10, 9)),
        (D(2026, 10, 12), "done", D(2026, 10, 14)),
        (D(2026, 10, 20), "open", None),
        (D(2026, 10, 21), "cancelled", None),
    ]:
        TaskFactory(
            youth=y["y4"],
            kind="step",
            title="Ring",
            due_date=due,
            status=status,
            done_at=at(done) if done else None,
        )
    return y
