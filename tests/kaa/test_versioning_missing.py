"""A versioned form posted without its version is a stale form, never a blind save: a
hand-made or replayed POST that leaves the version out must not overwrite a colleague's save."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from plans.models import ActionPlan, Consent
from tests.factories import consent_make, plan_make, youth_make
from tests.kaa.test_versioning import _form_data
from youth.models import Youth

pytestmark = pytest.mark.django_db

STALE = "medan du hade formuläret öppet"


def test_youth_contact_details_without_a_version_are_not_saved(
    client_for, coach, colleague, municipality
):
    youth = youth_make(municipality=municipality, coach=coach, phone="070-000")
    url = reverse("youth:edit", args=[youth.pk])
    first, second = client_for(coach), client_for(colleague)
    form = _form_data(second.get(url).content.decode())
    assert (
        first.post(
            url, {**_form_data(first.get(url).content.decode()), "phone": "070-111"}
        ).status_code
        == 302
    )
    form.pop("version")
    response = second.post(url, {**form, "phone": "070-222"})
    body = response.content.decode()
    assert response.status_code == 200
    assert STALE in body
    youth.refresh_from_db()
    assert (youth.phone, youth.version) == ("070-111", 2)
    kept = _form_data(body)
    assert (kept["phone"], kept["version"]) == ("070-222", "2")  # input kept, now deliberate
    assert second.post(url, kept).status_code == 302
    assert Youth.objects.get(pk=youth.pk).phone == "070-222"


def test_a_plan_edit_without_a_version_overwrites_nothing(client_for, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach)
    plan = plan_make(youth, actor=coach)
    url = reverse("plans:plan_edit", args=[youth.pk, plan.pk])
    client = client_for(coach)
    form = _form_data(client.get(url).content.decode())
    before = ActionPlan.objects.get(pk=plan.pk).goal
    form.pop("version")
    body = client.post(url, {**form, "goal": "Utan version"}).content.decode()
    assert STALE in body
    assert "Utan version" in body
    assert ActionPlan.objects.get(pk=plan.pk).goal == before


def test_a_consent_revocation_without_a_version_is_refused(client_for, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach)
    consent = consent_make(youth, actor=coach)
    response = client_for(coach).post(
        reverse("plans:consent_revoke", args=[youth.pk, consent.pk]),
        {"on": consent.given_on.isoformat(), "note": ""},
    )
    assert "sparade ändringar" in response.content.decode()
    assert Consent.objects.get(pk=consent.pk).ended_on is None


def test_a_routine_saved_without_a_version_is_stale(client_for, coordinator, municipality):
    from outreach.models import Routine
    from outreach.routine.services import routine_from_template

    routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    steps = {
        "steg-TOTAL_FORMS": 1,
        "steg-INITIAL_FORMS": 0,
        "steg-0-order": 1,
        "steg-0-title": "Sms",
        "steg-0-channel": "sms",
        "steg-0-offset_value": 3,
        "steg-0-offset_unit": "business_days",
        "steg-0-anchor": "registration",
        "steg-0-min_failed_attempts": 0,
    }
    response = client_for(coordinator).post(
        reverse("outreach:routine_edit"),
        {"retry_after_days": 30, "concern_after_attempts": 3, "name": "Utan version", **steps},
    )
    assert "Ändrat medan du skrev" in response.content.decode()
    assert Routine.objects.filter(municipality=municipality).count() == 1


def test_an_assignment_without_the_coach_it_was_made_from_is_stale(
    client_for, coordinator, coach, colleague, municipality
):
    youth = youth_make(municipality=municipality, coach=colleague)
    url = reverse("youth:assign", args=[youth.pk])
    client = client_for(coordinator)
    body = client.post(url, {"coach": coach.pk}).content.decode()
    assert "medan du hade formuläret öppet" in body
    assert Youth.objects.get(pk=youth.pk).coach == colleague
    assert re.search(rf'name="was" value="{colleague.pk}"', body)
    assert client.post(url, {"coach": coach.pk, "was": colleague.pk}).status_code == 302
    assert Youth.objects.get(pk=youth.pk).coach == coach
