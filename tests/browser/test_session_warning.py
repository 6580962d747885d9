"""The session timeout warning (issue #11, WCAG 2.2.1): shown before the idle limit, focusable,
and "stay logged in" keeps the user logged in."""

from __future__ import annotations

import pytest

from kaa.models import UserSession
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_warning_appears_and_extends_the_session(page, coach, settings):
    settings.KAA_SESSION_IDLE_MINUTES = 30
    page.clock.install()
    _login(page, "omar")
    # The start page loads panels by htmx; every answer counts as activity and restarts the
    # countdown, so wait until they are in.
    page.wait_for_load_state("networkidle")
    warning = page.get_by_role("alertdialog", name="Du loggas snart ut")
    assert not warning.is_visible()
    page.clock.fast_forward("27:59")
    assert not warning.is_visible()
    page.clock.fast_forward("00:02")
    warning.wait_for(state="visible")
    button = warning.get_by_role("button", name="Fortsätt vara inloggad")
    assert page.evaluate("document.activeElement.textContent") == button.inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    with page.expect_response(lambda r: "/konto/session/forlang/" in r.url) as answer:
        button.click()
    assert answer.value.status == 204
    warning.wait_for(state="hidden")
    page.goto("/installningar/")
    assert "/konto/logga-in/" not in page.url
    assert UserSession.objects.filter(user=coach).count() == 1
