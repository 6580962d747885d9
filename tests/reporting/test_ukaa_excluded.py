"""A UKAA period (extended responsibility after 20) is never in the SCB file nor in the KAA
figures, however much happens in it; it has a statistics line of its own."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.models import MeasureCode
from reporting.scb.profile import profile_for
from reporting.scb.source import period_records
from reporting.scb.writer import run
from reporting.stats import definitions as d
from reporting.stats.periods import span_of
from reporting.stats.present import DASHBOARD
from reporting.stats.present import build as section_build
from reporting.stats.suppress import Number
from tests.factories import reason
from tests.reporting.conftest import H1, D
from youth.models import KaaPeriod

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)
KAA_KEYS = [
    "in_kaa_at_end",
    "in_kaa_during",
    "registrations_by_reason",
    "deregistrations_by_reason",
    "reached",
    "time_to_first_contact",
    "occupation_at_contact",
    "contacts_by_channel",
    "in_intervention",
    "interventions_by_type",
    "caseload_per_coach",
    "monthly_trend",
]


def _file(municipality, tmp_path, name):
    out = tmp_path / name
    run(municipality, H1, profile_for(H1), today=TODAY, verified=False, out=out)
    return out.read_bytes()


def _ukaa_for_dan(build, dan):
    """Dan's KAA period ended at 20 (14 March); from the 15th a UKAA period with a plan, a
    praktik and contacts."""
    ukaa = KaaPeriod.objects.create(
        youth=dan,
        kind=KaaPeriod.Kind.UKAA,
        start_date=D(2026, 3, 15),
        registration_reason=reason("UKAA"),
    )
    plan = build.plan(dan, ukaa, D(2026, 3, 15))
    build.intervention(plan, MeasureCode.PRAKTIK, D(2026, 3, 15))
    build.intervention(plan, MeasureCode.STUDIER, D(2026, 4, 1), D(2026, 5, 1), after="KOMVUX")
    build.contact(dan, D(2026, 4, 2), period=ukaa)
    build.contact(dan, D(2026, 5, 20), period=ukaa)
    return ukaa


def test_the_scb_file_and_the_kaa_figures_are_the_same_with_a_ukaa_period(
    municipality, register, build, tmp_path, time_machine
):
    time_machine.move_to("2026-11-23 09:00 +01:00", tick=False)
    scope = d.Scope(
        municipality_id=municipality.pk, span=span_of("half_year", 2026, 1), today=TODAY
    )
    before_file = _file(municipality, tmp_path, "before.csv")
    before = {key: d.REGISTRY[key].compute(scope) for key in KAA_KEYS}
    assert d.ukaa(scope) == {"during": 0, "at_end": 0, "started": 0, "in_intervention": 0}

    ukaa = _ukaa_for_dan(build, register["dan"])
    scope = d.Scope(
        municipality_id=municipality.pk, span=span_of("half_year", 2026, 1), today=TODAY
    )
    assert _file(municipality, tmp_path, "after.csv") == before_file
    dans = [r for r in period_records(municipality, H1) if r.youth_id == register["dan"].pk]
    assert [(r.period_id, r.period_end) for r in dans] == [
        (KaaPeriod.objects.kaa().get(youth=register["dan"]).pk, D(2026, 3, 14))
    ]
    assert ukaa.pk != dans[0].period_id
    assert {key: d.REGISTRY[key].compute(scope) for key in KAA_KEYS} == before
    # Its own line: Dan in UKAA during and at the end of the half-year, in an intervention.
    assert d.ukaa(scope) == {"during": 1, "at_end": 1, "started": 1, "in_intervention": 1}
    assert "ukaa" in DASHBOARD
    assert section_build("ukaa", d.ukaa(scope), False).rows[0] == ["I UKAA under perioden", "1"]


def test_the_ukaa_line_is_shown_and_banded_for_managers():
    section = section_build(
        "ukaa", {"during": 3, "at_end": 2, "started": 1, "in_intervention": 2}, True
    )
    assert section.title == "Utökat aktivitetsansvar efter 20 år (UKAA)"
    assert [row[0] for row in section.rows] == [
        "I UKAA under perioden",
        "I UKAA vid periodens slut",
        "Nya UKAA-perioder",
        "I UKAA med en pågående insats",
    ]
    assert section.protected
    # A small count is a band for those who get bands.
    assert section.rows[0][1] == str(Number(3, suppress=True)) != "3"
