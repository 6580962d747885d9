"""Correcting a KAA period (the fix the SCB report's problems link to)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kaa.models import AuditEvent
from tests.factories import reason, youth_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def youth(municipality, coach):
    return youth_make(municipality=municipality, coach=coach, start_date=dt.date(2026, 9, 1))


def _url(youth, **query):
    url = reverse("youth:period_edit", args=[youth.pk, youth.periods.get().pk])
    return url + ("?next=" + query["next"] if query else "")


def test_a_coordinator_corrects_the_registration_reason_and_returns(
    client_for, coordinator, youth
):
    back = reverse("reporting:scb_period", args=["2026H2"])
    response = client_for(coordinator).post(
        _url(youth, next=back),
        {"start_date": "2026-08-25", "registration_reason": reason("STUDIEBEVIS").pk},
    )
    assert response.status_code == 302
    assert response["Location"] == back
    period = youth.periods.get()
    assert (period.start_date, period.registration_reason.code) == (
        dt.date(2026, 8, 25),
        "STUDIEBEVIS",
    )
    event = AuditEvent.objects.get(action="update", object_type="youth.kaaperiod")
    assert event.detail == "start_date,registration_reason"
    assert youth.timeline.filter(kind="period_corrected").exists()


def test_an_outside_next_is_ignored(client_for, coordinator, youth):
    response = client_for(coordinator).post(
        _url(youth, next="https://evil.example/"),
        {"start_date": "2026-09-01", "registration_reason": reason("STUDIEBEVIS").pk},
    )
    assert response["Location"] == reverse("youth:detail", args=[youth.pk])


def test_a_closed_period_needs_both_end_fields_and_keeps_the_input(
    client_for, coordinator, municipality
):
    youth = youth_make(
        municipality=municipality, open_period=False, start_date=dt.date(2026, 9, 1)
    )
    response = client_for(coordinator).post(
        _url(youth),
        {
            "start_date": "2026-09-01",
            "registration_reason": reason("OVRIGT").pk,
            "end_date": "2026-08-01",
            "deregistration_reason": reason("OVRIGT", "deregistration").pk,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Slutdatumet kan inte ligga före startdatumet." in body
    assert 'value="2026-08-01"' in body
    assert youth.periods.get().registration_reason.code == "AVBROTT_NATIONELLT"


def test_a_correction_may_not_overlap_another_period(client_for, coordinator, municipality):
    from youth.register.services import period_open

    youth = youth_make(
        municipality=municipality, open_period=False, start_date=dt.date(2026, 9, 1)
    )
    first = youth.periods.get()
    period_open(
        youth=youth,
        start_date=first.end_date + dt.timedelta(days=1),
        reason=reason("OVRIGT"),
        actor=None,
    )
    url = reverse("youth:period_edit", args=[youth.pk, first.pk])
    response = client_for(coordinator).post(
        url,
        {
            "start_date": "2026-09-01",
            "registration_reason": reason("OVRIGT").pk,
            "end_date": (first.end_date + dt.timedelta(days=5)).isoformat(),
            "deregistration_reason": reason("OVRIGT", "deregistration").pk,
        },
    )
    assert "överlappa en annan KAA-period" in response.content.decode()


def test_coaches_cannot_correct_periods_and_strangers_get_404(
    client_for, coach, stranger_coordinator, youth
):
    assert client_for(coach).get(_url(youth)).status_code == 403
    assert client_for(stranger_coordinator).get(_url(youth)).status_code == 404
