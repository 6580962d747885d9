"""Coverage on the SCB page and the statistics, and the SCB check that warns while it is
below 100 %."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from reporting.scb.periods import HalfYear
from reporting.scb.services import report_check
from tests.factories import reason
from tests.youth.identification.test_coverage import scene  # noqa: F401  (fixture)
from youth.identification import services
from youth.models import KaaPeriod
from youth.register.services import period_close

TODAY = timezone.localdate()
PERIOD = HalfYear.containing(TODAY - dt.timedelta(days=200))


def test_the_scb_page_shows_the_figures_with_links_and_the_check_warns(
    client_for,
    coordinator,
    municipality,
    scene,  # noqa: F811
):
    body = (
        client_for(coordinator)
        .get(reverse("reporting:scb_period", args=[str(PERIOD)]))
        .content.decode()
    )
    assert "Täckning: målgruppen enligt registren och KAA-registret" in body
    assert "Täckningen är 50 %" in body
    for kind in ("malgruppen", "registrerade", "saknas", "utanfor"):
        assert reverse("youth:identification:coverage_list", args=[kind]) in body
    assert "finns inte i KAA-registret. (1 av 2, 50 %; 1 saknas)" in body
    assert "hör inte till målgruppen enligt registren. (1)" in body


def test_the_check_is_quiet_at_full_coverage(municipality, scene):  # noqa: F811
    from tests.youth.identification.test_coverage import _register

    _register(municipality, scene["bo"], "Bo")
    period = KaaPeriod.objects.get(youth=scene["youths"]["cissi"], end_date__isnull=True)
    period_close(
        period=period,
        end_date=TODAY,
        actor=None,
        reason=reason("PABORJAT_NATIONELLT_EL_MOTSV", "deregistration"),
    )
    services.run_identification(municipality=municipality, on=TODAY, actor=None)
    _report, findings, _profile = report_check(
        municipality=municipality, period=PERIOD, today=TODAY
    )
    assert "COVERAGE_INCOMPLETE" not in findings.counts
    assert "COVERAGE_OUTSIDE" not in findings.counts


def test_the_check_warns_below_100(municipality, scene):  # noqa: F811
    _report, findings, _profile = report_check(
        municipality=municipality, period=PERIOD, today=TODAY
    )
    assert findings.counts["COVERAGE_INCOMPLETE"] == 1
    assert findings.severity_of["COVERAGE_INCOMPLETE"] == "warn"
    assert findings.counts["COVERAGE_OUTSIDE"] == 1


def test_the_statistics_show_the_figures_exact_to_coordinators_banded_to_managers(
    client_for,
    coordinator,
    manager,
    scene,  # noqa: F811
):
    body = client_for(coordinator).get(reverse("reporting:dashboard")).content.decode()
    assert "Täckningen är 50 %" in body
    assert reverse("youth:identification:coverage_list", args=["saknas"]) in body
    body = client_for(manager).get(reverse("reporting:dashboard")).content.decode()
    assert "Täckning: målgruppen enligt registren och KAA-registret" in body
    assert "youth:identification" not in body
    assert "/tackning/" not in body  # no links to the lists
    assert "&lt;5" in body or "<5" in body
    # No youth is named (the manager's own name may well be Anna).
    assert "Anna, Reg" not in body
    assert "Reg Anna" not in body
