"""A coach records a consent and makes a plan with two interventions, axe-checked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from plans.models import ActionPlan, Consent
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login
from tests.factories import youth_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_a_coach_records_a_consent_and_makes_a_plan_with_two_interventions(
    page, coach, municipality
):
    today = timezone.localdate()
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Nora",
        last_name="Planberg",
        birth_date=today.replace(year=today.year - 19) - dt.timedelta(days=3),
    )
    _login(page, "omar")
    page.goto(f"/ungdomar/{youth.pk}/")
    page.get_by_role("link", name="Registrera samtycke").click()
    _assert_accessible(page)
    page.get_by_label("Skola", exact=True).check()
    page.get_by_label("Arbetsförmedlingen").check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Samtycket är registrerat" in page.content()
    consent = Consent.objects.get(youth=youth)
    assert (consent.school, consent.employment_service, consent.healthcare) == (True, True, False)

    page.goto(f"/ungdomar/{youth.pk}/")
    page.get_by_role("link", name="Ny handlingsplan").click()
    page.get_by_label("Övergripande mål och planering").fill(
        "Nora vill börja på komvux i januari och praktisera under tiden."
    )
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Planen är upprättad" in page.content()

    for name, purpose in (
        ("Praktik", "Prova på vården"),
        ("Studie- och yrkesvägledning", "Välja kurser"),
    ):
        page.get_by_role("link", name="Lägg till insats").click()
        page.locator("#id_type").select_option(label=name)
        page.get_by_label("Syfte").fill(purpose)
        page.get_by_label("Faktisk start").fill(today.isoformat())
        page.get_by_label("Uppföljningsdatum").fill((today + dt.timedelta(days=14)).isoformat())
        page.get_by_role("button", name="Spara").click()
        page.wait_for_load_state()
        assert "Insatsen är sparad" in page.content()
    _assert_accessible(page)
    plan = ActionPlan.objects.get(youth=youth)
    assert sorted(i.type.name for i in plan.interventions.all()) == [
        "Praktik",
        "Studie- och yrkesvägledning",
    ]
    assert plan.revisions.count() == 3
    expect(page.get_by_role("heading", name="Praktik")).to_be_visible()
