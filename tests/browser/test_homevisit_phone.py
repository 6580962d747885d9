"""At the door, on a 375 px phone: the second staff member opens today's visit from the
start page, checks in, checks out and records the outcome; axe on the visit's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outreach.homevisits import services
from outreach.models import ContactAttempt, HomeVisit
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login
from tests.factories import youth_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_pair_checks_in_and_out_on_a_phone(phone, coach, colleague, municipality, team):
    youth = youth_make(
        municipality=municipality, coach=coach, team=team, first_name="Alva", last_name="Dörrsson"
    )
    now = timezone.now()
    visit = services.visit_plan(
        youth=youth,
        staff=coach,
        second_staff=colleague,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(minutes=55),
        place=HomeVisit.Place.HOME,
    )
    _login(phone, "elin")
    today = phone.get_by_role("region", name="Dina hembesök i dag")
    today.get_by_role("link", name="Alva Dörrsson").click()
    phone.wait_for_url(f"**/uppsok/hembesok/{visit.pk}/")
    assert _fits(phone)
    violations = axe_violations(phone)
    assert not violations, describe(violations)

    phone.get_by_role("button", name="Checka in – vi är framme").tap()
    expect(phone.locator("#visit-status")).to_contain_text("Incheckad")
    expect(phone.get_by_role("button", name="Checka in – vi är framme")).to_have_count(0)

    phone.get_by_role("button", name="Checka ut – vi har gått").tap()
    expect(phone.locator("#visit-status")).to_contain_text("Utcheckad")
    assert _fits(phone)
    phone.get_by_label("Ingen hemma").check()
    phone.get_by_label("Kort notering").fill("Lämnade knacklapp")
    phone.get_by_role("button", name="Spara utfallet").tap()
    expect(phone.get_by_text("Utfallet är sparat som kontakt för er båda.")).to_be_visible()

    visit.refresh_from_db()
    assert visit.checked_in_by == colleague
    assert visit.checked_out_by == colleague
    attempts = ContactAttempt.objects.filter(youth=youth, channel="home_visit")
    assert sorted(a.staff.username for a in attempts) == ["elin", "omar"]
