"""The statistic of outcomes that held after the exit: per destination and per intervention
type, counted by re-checks with a known answer, and banded for managers."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.models import OutcomeRecheck
from plans.models import MeasureCode
from reporting.stats import definitions as d
from reporting.stats.periods import span_of
from reporting.stats.present import build as present
from tests.reporting.conftest import D

pytestmark = pytest.mark.django_db
OCT = span_of("month", 2026, 10)
MID_OCTOBER = D(2026, 10, 15)


def _scope(municipality):
    return d.Scope(municipality_id=municipality.pk, span=OCT, today=dt.date(2026, 11, 23))


def _check(build, name, destination, months, answer, *, due=MID_OCTOBER, intervention=None):
    youth = build.youth(name)
    period = build.period(youth, D(2026, 1, 5), end=D(2026, 4, 15), dereg="OVRIGT")
    if intervention:
        plan = build.plan(youth, period, D(2026, 2, 1))
        build.intervention(plan, intervention, D(2026, 2, 10), D(2026, 4, 1))
    return OutcomeRecheck.objects.create(
        youth=youth,
        period=period,
        destination=destination,
        months=months,
        due_date=due,
        answer=answer,
    )


@pytest.fixture
def checks(build):
    _check(build, "Ada Ett", "studying", 6, "held", intervention=MeasureCode.SYV)
    _check(build, "Bea Två", "studying", 6, "changed", intervention=MeasureCode.SYV)
    _check(build, "Cid Tre", "studying", 3, "held")
    _check(build, "Dan Fyra", "working", 6, "held", intervention=MeasureCode.PRAKTIK)
    _check(build, "Eva Fem", "working", 6, "unreached")  # not known: not counted
    _check(build, "Fia Sex", "working", 6, "")  # unanswered: not counted
    _check(build, "Gus Sju", "working", 6, "held", due=D(2026, 11, 2))  # after the span


def test_held_per_destination_and_months(municipality, checks):
    assert d.rechecks_by_destination(_scope(municipality)) == [
        {"group": "Arbete, 6 mån", "checked": 1, "held": 1},
        {"group": "Studier, 3 mån", "checked": 1, "held": 1},
        {"group": "Studier, 6 mån", "checked": 2, "held": 1},
    ]


def test_held_per_intervention_type_of_the_period(municipality, checks):
    assert d.rechecks_by_intervention(_scope(municipality)) == [
        {"group": "Ingen insats, 3 mån", "checked": 1, "held": 1},
        {"group": "Insats PRAKTIK, 6 mån", "checked": 1, "held": 1},
        {"group": "Insats SYV, 6 mån", "checked": 2, "held": 1},
    ]


def test_small_counts_are_banded_and_merged_for_managers(municipality, checks, build):
    for n in range(6):
        _check(build, f"Fler{n} Test", "studying", 6, "held" if n < 5 else "changed")
    data = d.rechecks_by_destination(_scope(municipality))
    exact = present("rechecks_by_destination", data, False)
    assert ["Studier, 6 mån", "8", "6", "75 %"] in exact.rows
    banded = present("rechecks_by_destination", data, True)
    assert banded.rows == [
        ["Studier, 6 mån", "5–9", "5–9", "–"],
        ["Övriga, färre än 5 vardera", "<5", "<5", "–"],
    ]
    assert "1" not in {cell for row in banded.rows for cell in row[1:]}
