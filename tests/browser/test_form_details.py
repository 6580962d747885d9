"""Form details a person notices in the browser: a GET form's address carries no CSRF token,
and a label names its own field when two forms share a page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.test_register_pages import _login_with_totp
from tests.factories import consent_make, youth_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_letter_selection_and_a_new_meeting_keep_the_token_out_of_the_address(
    page, coordinator
):
    _login_with_totp(page, coordinator)
    page.goto(reverse("outreach:batch_new"))
    page.get_by_role("button", name="Visa urvalet").click()
    page.wait_for_load_state()
    assert "until=" in page.url
    assert "csrfmiddlewaretoken" not in page.url
    page.goto(reverse("plans:meeting_new"))
    page.get_by_role("button", name="Visa förslag").click()
    page.wait_for_load_state()
    assert "held_on=" in page.url
    assert "csrfmiddlewaretoken" not in page.url


def test_a_label_on_the_consent_page_leads_to_its_own_field(page, coordinator, coach):
    youth = youth_make(municipality=coordinator.municipality, coach=coach)
    consent = consent_make(youth, actor=coordinator)
    _login_with_totp(page, coordinator)
    page.goto(reverse("plans:consent_detail", args=[youth.pk, consent.pk]))
    # Clicking each label (crispy adds the required asterisk) puts the cursor in its own form.
    for label, url in (
        ("Återkallat den", "plans:consent_revoke"),
        ("Underskriven blankett mottagen den", "plans:consent_paper"),
    ):
        page.locator("label", has_text=label).click()
        action = page.evaluate("document.activeElement.closest('form').action")
        assert action.endswith(reverse(url, args=[youth.pk, consent.pk])), label
    # Each label names one field.
    assert page.get_by_label("Återkallat den").count() == 1
