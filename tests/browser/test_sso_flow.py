"""Single sign-on in Chromium: log in through the municipality's provider (a real OpenID
provider on loopback) and log out of both. Uses the session's one browser: a second Playwright
in the same process would fail."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.kaa import test_sso

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IDP_NAME = test_sso.IDP_NAME
# The provider and the account, shared with the single sign-on tests over HTTP.
oidc_provider, idp, sara = test_sso.oidc_provider, test_sso.idp, test_sso.sara


def test_in_chromium_log_in_through_the_provider_and_out_of_both(idp, page, live_server, sara):
    page.goto("/konto/logga-in/")
    page.get_by_role("link", name=f"Logga in med {IDP_NAME}").click()
    page.get_by_label("E-mail").fill("sara@askersund.se")
    page.get_by_label("Password").fill("test-password")
    page.get_by_label("Second factor").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto("/loggkontroll/")
    expect(page.get_by_role("heading", name="Loggkontroll")).to_be_visible()
    # Logging out: KAA's form, then the provider's page (allowed by form-action).
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{idp}/**")
    page.get_by_role("button", name="Yes, sign out").click()
    page.wait_for_url(f"{live_server.url}/konto/logga-in/")
    page.get_by_role("link", name=f"Logga in med {IDP_NAME}").click()
    page.get_by_label("E-mail").wait_for()  # the provider asks again
