"""A coach works with the keyboard alone: logs in, opens the work queue, logs a call's
outcome and writes a note on the youth's page, without a mouse (WCAG 2.1.1)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from outreach.models import ContactAttempt, Task
from tests.browser.test_register_pages import PASSWORD
from tests.browser.test_work_queue import alva_with_an_overdue_call
from youth.models import Note

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the focused element is, in the words a screen reader would use.
_FOCUSED = """() => {
  const el = document.activeElement;
  const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || "").trim(),
    label: (el.getAttribute("aria-label") || label || "").replace("*", "").trim(),
    table: (el.closest("table") && el.closest("table").caption
      ? el.closest("table").caption.textContent.trim() : ""),
  };
}"""


def _tab_to(page, wanted, limit: int = 200) -> dict:
    """Press Tab until the focused element is the one `wanted` accepts; fail if it never is."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if wanted(focused):
            return focused
        seen.append(focused["text"] or focused["label"] or focused["tag"])
    pytest.fail(f"never reached by Tab; focus went through {seen[:60]}")


def test_a_coach_logs_a_call_and_writes_a_note_with_the_keyboard_alone(page, coach, municipality):
    youth = alva_with_an_overdue_call(municipality, coach)

    page.goto("/konto/logga-in/")
    _tab_to(page, lambda f: f["label"] == "Användarnamn")
    page.keyboard.type("omar")
    _tab_to(page, lambda f: f["label"] == "Lösenord")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith("/"))
    page.wait_for_load_state("networkidle")

    _tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Arbetskö")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("table", name="Telefonsamtal")).to_be_visible()

    _tab_to(
        page, lambda f: f["table"] == "Telefonsamtal" and f["text"].startswith("Registrera utfall")
    )
    page.keyboard.press("Enter")  # opens the outcome buttons
    _tab_to(page, lambda f: f["table"] == "Telefonsamtal" and f["text"].startswith("Inget svar"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Telefonsamtal för Alva Ringsson: Inget svar.")).to_be_visible()
    attempt = ContactAttempt.objects.get(youth=youth)
    assert (attempt.channel, attempt.outcome, attempt.staff_id) == ("phone", "no_answer", coach.pk)
    assert Task.objects.get(youth=youth, title="Telefonsamtal").status == "done"

    _tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Alva Ringsson")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alva Ringsson")
    _tab_to(page, lambda f: f["label"] == "Ny anteckning")
    page.keyboard.type("Ringde utan svar, provar sms i morgon.")
    _tab_to(page, lambda f: f["text"] == "Spara anteckning")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    confirmation = page.get_by_text("Anteckningen är sparad.")
    expect(confirmation).to_be_visible()
    assert Note.objects.get(youth=youth).text == "Ringde utan svar, provar sms i morgon."
