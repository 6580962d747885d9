"""Coverage: the target group by the registers against the KAA register, and the lists
behind each figure (coordinators of the municipality only, each list read audited)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from tests.factories import reason
from youth.identification import deliveries, selectors, services
from youth.register.services import youth_register

from .files import ENROLMENT_HEADER, born_aged, csv_file, pnr, post
from .test_tasks import _population

TODAY = timezone.localdate()


def _register(municipality, number, last):
    youth, _period = youth_register(
        municipality=municipality,
        personnummer=number,
        first_name="Reg",
        last_name=last,
        registration_reason=reason("AVBROTT_NATIONELLT"),
        start_date=TODAY - dt.timedelta(days=30),
        actor=None,
    )
    return youth


@pytest.fixture
def scene(municipality):
    """In the group and registered (Anna), in the group only (Bo), registered only (Cissi,
    who is in GY)."""
    anna, bo, cissi = (pnr(born_aged(17, TODAY)) for _ in range(3))
    _population(
        municipality, post(anna, last="Anna"), post(bo, last="Bo"), post(cissi, last="Cissi")
    )
    deliveries.enrolments_store(
        municipality=municipality,
        source_name="Gymnasiet",
        filename="gy.csv",
        actor=None,
        stream=csv_file(ENROLMENT_HEADER, f"{cissi};1;GY;NA;2025-08-18;;N"),
    )
    youths = {
        "anna": _register(municipality, anna, "Anna"),
        "cissi": _register(municipality, cissi, "Cissi"),
    }
    services.run_identification(municipality=municipality, on=TODAY, actor=None)
    return {"anna": anna, "bo": bo, "cissi": cissi, "youths": youths}


def test_the_figures(municipality, scene):
    coverage = selectors.coverage(municipality=municipality)
    assert (coverage.in_group, coverage.registered, coverage.missing, coverage.outside) == (
        2,
        1,
        1,
        1,
    )
    assert coverage.percent == 50
    assert not coverage.complete


def test_no_figures_before_a_run(municipality):
    assert selectors.coverage(municipality=municipality) is None


@pytest.mark.parametrize(
    ("kind", "shown", "hidden"),
    [
        ("malgruppen", {"Anna", "Bo"}, {"Cissi"}),
        ("registrerade", {"Anna"}, {"Bo", "Cissi"}),
        ("saknas", {"Bo"}, {"Anna", "Cissi"}),
        ("utanfor", {"Cissi"}, {"Anna", "Bo"}),
    ],
)
def test_each_list_names_its_persons_and_is_audited(
    client_for, coordinator, scene, kind, shown, hidden
):
    response = client_for(coordinator).get(
        reverse("youth:identification:coverage_list", args=[kind])
    )
    body = response.content.decode()
    assert response.status_code == 200
    for name in shown:
        assert f"{name}, " in body
    for name in hidden:
        assert f"{name}, " not in body
    event = AuditEvent.objects.filter(detail__startswith=f"identifiering:tackning:{kind}").get()
    expected = {y.pk for key, y in scene["youths"].items() if key.capitalize() in shown}
    assert set(event.youth_ids) == expected
    assert event.user == coordinator


def test_an_unknown_list_is_404_and_other_roles_are_refused(
    client_for, coordinator, coach, manager, scene
):
    assert (
        client_for(coordinator)
        .get(reverse("youth:identification:coverage_list", args=["alla"]))
        .status_code
        == 404
    )
    for user in (coach, manager):
        response = client_for(user).get(
            reverse("youth:identification:coverage_list", args=["saknas"])
        )
        assert response.status_code in (403, 404)
        assert "Bo, " not in response.content.decode()


def test_another_municipality_sees_none_of_it(client_for, stranger_coordinator, scene):
    body = (
        client_for(stranger_coordinator)
        .get(reverse("youth:identification:coverage_list", args=["malgruppen"]))
        .content.decode()
    )
    assert "Anna, " not in body
    assert "Bo, " not in body
    assert "Ingen körning ännu" in body
