"""Loggkontroll in Chromium: a coordinator types a youth's name, the address never holds it,
and the rows read in words (name, role, what, where); axe on the page."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kaa.audit import audit_event
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login_with_totp
from tests.factories import youth_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_searches_the_log_by_a_youth_s_name(page, coordinator, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach, first_name="Alva", last_name="Ek")
    audit_event(action="read", user=coach, obj=youth, detail="arbetsko")
    _login_with_totp(page, coordinator)
    page.goto(reverse("records:audit_list"))
    page.get_by_label("Ungdom (namn eller personnummer)").fill("Alva Ek")
    page.get_by_role("button", name="Sök ungdom").click()
    page.wait_for_load_state()
    assert "Alva" not in page.url
    expect(page.get_by_text(f"Alva Ek ({youth.personnummer_formatted})")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="arbetskön")
    expect(row.get_by_role("cell", name="Ungdomscoach")).to_be_visible()
    expect(row.get_by_role("link", name="Alva Ek", exact=False)).to_be_visible()
    if os.environ.get("KAA_SHOTS"):
        page.screenshot(path=f"{os.environ['KAA_SHOTS']}/log-search.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_role("button", name="Visa alla ungdomar").click()
    page.wait_for_load_state()
    assert not page.get_by_text("Visar händelser för").count()
