"""A coach on a phone (320 and 375 px wide): the work queue, the youth list and the youth's
page fit the screen without sideways scrolling; the outcome can be registered from the queue;
phone numbers and e-mail addresses are links that call, text or write."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import ContactAttempt, Task
from outreach.routine.engine import deadlines_refresh
from outreach.routine.services import routine_from_template
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login
from tests.factories import youth_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("KAA_SHOTS", "")
WIDTHS = [320, 375]


def _shot(page, name: str) -> None:
    if SHOTS:  # screenshots for a person to look at, when asked for
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const box = a.getBoundingClientRect();
      const overflow = getComputedStyle(a).overflowX;
      if ((overflow === 'hidden' || overflow === 'clip') && box.right <= width + 1) return true;
    }
    return false;
  };
  const out = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) out.push('page ' + page);
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1 && !clipped(el)) {
      out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
    }
  }
  return out.slice(0, 10);
}"""


def overflow(page) -> list[str]:
    """What sticks out to the right of the screen (empty: no sideways scrolling). An element
    inside a box that clips it (the header row kept for screen readers) shows nothing."""
    return page.evaluate(OVERFLOW_JS)


def _youth(municipality, coach):
    routine_from_template(municipality=municipality, key="askersund", actor=None)
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Alexandra-Josefin",
        last_name="Ringsson Bergström",
        phone="070-123 45 67",
        email="alexandra.ringsson@example.se",
        start_date=timezone.localdate() - dt.timedelta(days=20),
    )
    deadlines_refresh()
    return youth


@pytest.mark.parametrize("width", [*WIDTHS, 1280])
def test_a_coach_registers_an_outcome_from_the_queue_on_a_phone(page, coach, municipality, width):
    youth = _youth(municipality, coach)
    page.set_viewport_size({"width": width, "height": 740})
    _login(page, "omar")
    page.goto(reverse("outreach:queue"))
    _shot(page, f"queue-{width}")
    assert overflow(page) == []
    call = page.get_by_role("table", name="Telefonsamtal")
    summary = call.get_by_text("Registrera utfall")
    box = summary.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= width
    summary.click()
    assert overflow(page) == []
    _shot(page, f"queue-{width}-open")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    call.get_by_role("button", name="Inget svar").click()
    page.wait_for_load_state()
    assert "Telefonsamtal för Alexandra-Josefin Ringsson Bergström: Inget svar." in page.content()
    attempt = ContactAttempt.objects.get(youth=youth)
    assert (attempt.channel, attempt.outcome) == ("phone", "no_answer")
    assert Task.objects.get(youth=youth, title="Telefonsamtal").status == "done"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_youth_list_and_page_fit_a_phone_and_call_by_a_tap(page, coach, municipality, width):
    youth = _youth(municipality, coach)
    page.set_viewport_size({"width": width, "height": 740})
    _login(page, "omar")
    page.goto(reverse("youth:list"))
    _shot(page, f"youth-list-{width}")
    assert overflow(page) == []
    page.goto(reverse("youth:detail", args=[youth.pk]))
    page.wait_for_load_state("networkidle")  # the outreach and plans sections (htmx)
    expect(page.locator("#uppsok").get_by_text("Telefonsamtal").first).to_be_visible()
    _shot(page, f"youth-page-{width}")
    assert overflow(page) == []
    violations = axe_violations(page)
    assert not violations, describe(violations)
    assert page.get_by_role("link", name="Ring 070-123 45 67").get_attribute("href") == (
        "tel:+46701234567"
    )
    assert page.get_by_role("link", name="Sms till 070-123 45 67").get_attribute("href") == (
        "sms:+46701234567"
    )
    assert page.get_by_role("link", name="alexandra.ringsson@example.se").get_attribute(
        "href"
    ) == ("mailto:alexandra.ringsson@example.se")


def test_the_coordinators_buttons_on_the_youth_list_wrap_on_a_phone(
    page, coordinator, coach, municipality
):
    from tests.browser.test_register_pages import _login_with_totp

    _youth(municipality, coach)
    page.set_viewport_size({"width": 320, "height": 740})
    _login_with_totp(page, coordinator)
    page.goto(reverse("youth:list"))
    _shot(page, "youth-list-coordinator-320")
    assert overflow(page) == []
    box = page.get_by_role("link", name="Lämna över ärenden").bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 320
    page.goto(reverse("outreach:queue") + "?vy=kommun")
    _shot(page, "queue-coordinator-320")
    assert overflow(page) == []
