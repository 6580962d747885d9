"""The SCB profile reports every reason the app offers as what it is: no offered reason
without a code, none known to the app but exported as "okänd"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reporting.scb.periods import HalfYear
from reporting.scb.profile import profiles_all
from reporting.scb.services import reasons_uncovered
from youth.models import Reason
from youth.register.forms import YouthRegisterForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("period", ["2018H2", "2022H1", "2026H1", "2026H2"])
def test_every_shipped_profile_covers_every_reason_offered(period):
    half = HalfYear.parse(period)
    for profile in profiles_all():
        if profile.covers(half):
            assert reasons_uncovered(profile=profile, period=half) == [], profile.name


def test_inflyttad_is_not_offered_for_a_new_registration():
    offered = YouthRegisterForm().fields["registration_reason"].queryset
    assert not offered.filter(code="INFLYTTAD").exists()
    # Still there for the periods that carry it.
    assert Reason.objects.filter(kind="registration", code="INFLYTTAD").exists()


def test_a_reason_added_locally_without_a_code_is_named_on_the_profile_page(
    client_for, coordinator
):
    Reason.objects.create(kind="registration", code="EGEN", label="Egen orsak", sort_order=95)
    half = HalfYear.parse("2026H1")
    [profile] = [p for p in profiles_all() if p.covers(half)]
    assert [r.code for r in reasons_uncovered(profile=profile, period=half)] == ["EGEN"]
    body = client_for(coordinator).get(reverse("reporting:scb_profile", args=["2026H1"]))
    text = body.content.decode()
    assert "Orsaker som KAA erbjuder men profilen inte kan rapportera" in text
    assert "Registreringsorsak: Egen orsak" in text
    # Offered again, INFLYTTAD would be exported as "okänd": named too.
    Reason.objects.filter(code="INFLYTTAD").update(is_active=True)
    assert [r.code for r in reasons_uncovered(profile=profile, period=half)] == [
        "INFLYTTAD",
        "EGEN",
    ]
