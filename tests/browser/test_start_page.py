"""The start page in Chromium: the coordinator sees what needs doing, a late SCB report as an
alert, and follows a count to its list; a coach's counts; a phone's width without sideways
scrolling; axe on each."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import Task
from reporting.scb.models import ScbReport
from reporting.scb.periods import HalfYear
from reporting.scb.profile import profile_for
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_phone_pages import overflow
from tests.browser.test_register_pages import _login, _login_with_totp
from tests.factories import TaskFactory, youth_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("KAA_SHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:  # screenshots for a person to look at, when asked for
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _task(youth, days: int, kind=Task.Kind.FOLLOW_UP):
    TaskFactory(youth=youth, kind=kind, title=str(kind.label), days=days, ref=f"t{days}")


def test_the_coordinator_sees_what_needs_doing_and_a_late_scb_report(
    page, coordinator, coach, municipality
):
    today = timezone.localdate()
    last = HalfYear.containing(today).prev()
    ScbReport.objects.create(
        municipality=municipality, period=str(last.prev()), status="submitted"
    )
    youth = youth_make(municipality=municipality, coach=coach, first_name="Alva", last_name="Ek")
    youth_make(municipality=municipality, first_name="Utan", last_name="Coachsson")
    _task(youth, -2)
    _login_with_totp(page, coordinator)
    todo = page.get_by_role("region", name="Att göra")
    todo.get_by_text("försenade uppgifter").or_(todo.get_by_text("försenad uppgift")).wait_for()
    todo.get_by_text("ungdom i KAA utan coach").wait_for()
    deadline = profile_for(last).deadline(last)
    if today > deadline:
        alert = page.get_by_role("alert")
        alert.wait_for()
        assert f"SCB-rapporten för {last.label} är försenad" in alert.inner_text()
    else:
        page.get_by_text(f"SCB-rapporten för {last} ska skickas senast").wait_for()
    _shot(page, "start-coordinator-desktop")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.set_viewport_size({"width": 320, "height": 800})
    assert overflow(page) == []
    _shot(page, "start-coordinator-320")

    todo.get_by_role("link", name="1 ungdom i KAA utan coach").click()
    page.wait_for_load_state()
    assert "Coachsson, Utan" in page.content()
    assert "Ek, Alva" not in page.content()


def test_a_coach_sees_today_overdue_and_answers(page, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach, first_name="Alva", last_name="Ek")
    _task(youth, 0)
    _task(youth, -1)
    _task(youth, 0, kind=Task.Kind.ESERVICE)
    page.set_viewport_size({"width": 375, "height": 800})
    _login(page, "omar")
    todo = page.get_by_role("region", name="Att göra")
    todo.get_by_role("link", name="2 uppgifter i dag").wait_for()
    expect(todo.get_by_role("link", name="1 försenad uppgift")).to_be_visible()
    assert overflow(page) == []
    _shot(page, "start-coach-375")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    todo.get_by_role("link", name="1 svar via e-tjänsten att gå igenom").click()
    page.wait_for_load_state()
    assert "Här visas bara svar via e-tjänsten" in page.content()
    expect(page.get_by_role("heading", name="Svar via e-tjänsten (1)")).to_be_visible()
