"""A coach logs a phone call outcome from the work queue, axe on the queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import ContactAttempt, Task
from outreach.routine.engine import deadlines_refresh
from outreach.routine.services import routine_from_template
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login
from tests.factories import youth_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def alva_with_an_overdue_call(municipality, coach):
    """Alva Ringsson, in the coach's caseload under Askersund's routine, registered 20 days
    ago: her postcard, phone call and SMS are overdue in the work queue."""
    routine_from_template(municipality=municipality, key="askersund", actor=None)
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Alva",
        last_name="Ringsson",
        phone="070-123 45 67",
        start_date=timezone.localdate() - dt.timedelta(days=20),
    )
    deadlines_refresh()
    return youth


def test_a_coach_logs_a_call_outcome_from_the_work_queue(page, coach, municipality):
    youth = alva_with_an_overdue_call(municipality, coach)
    _login(page, "omar")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Arbetskö").click()
    expect(page.get_by_role("heading", name="Försenade", exact=False)).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)

    call = page.get_by_role("table", name="Telefonsamtal")
    call.get_by_text("Registrera utfall").click()  # click 1
    call.get_by_role("button", name="Inget svar").click()  # click 2
    page.wait_for_load_state()
    assert "Telefonsamtal för Alva Ringsson: Inget svar." in page.content()
    attempt = ContactAttempt.objects.get(youth=youth)
    assert (attempt.channel, attempt.outcome) == ("phone", "no_answer")
    assert Task.objects.get(youth=youth, title="Telefonsamtal").status == "done"
