"""A coordinator logs in with password and TOTP, reaches the start page and logs out."""

from __future__ import annotations

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ett-langt-testlosenord-123"


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_a_coordinator_logs_in_reaches_the_start_page_and_logs_out(page, coordinator):
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    page.goto("/")
    assert "/konto/logga-in/" in page.url
    assert page.title() == "Logga in – KAA"
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_label("Användarnamn").fill("sara")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    page.wait_for_url("**/konto/tvafaktor/**")
    page.get_by_label("Engångskod").fill(_code(device))
    page.get_by_role("button", name="Verifiera").click()

    page.wait_for_url(lambda url: url.endswith("/"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Välkommen")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    assert not nav.get_by_role("link", name="Loggkontroll").is_visible()
    # The seldom-used pages open from one menu button, by keyboard too.
    nav.get_by_role("button", name="Administrera").focus()
    page.keyboard.press("Enter")
    assert nav.get_by_role("button", name="Administrera").get_attribute("aria-expanded") == "true"
    expect(nav.get_by_role("link", name="Loggkontroll")).to_be_visible()
    violations = axe_violations(page)  # with the menu open
    assert not violations, describe(violations)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/loggkontroll/**")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/konto/logga-in/**")
    page.goto("/")
    assert "/konto/logga-in/" in page.url


def test_a_failed_login_keeps_the_username_and_moves_focus_to_the_error(page, coach):
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("omar")
    page.get_by_label("Lösenord").fill("fel-losenord-helt")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    assert "Ange ett korrekt användarnamn och lösenord" in page.content()
    assert page.get_by_label("Användarnamn").input_value() == "omar"
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_phone_layout_has_a_working_menu(browser, live_server, coach):
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("omar")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    menu = page.get_by_role("button", name="Visa meny")
    expect(menu).to_be_visible()
    menu.click()
    page.get_by_role("button", name="Logga ut").wait_for(state="visible")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360
    violations = axe_violations(page)
    assert not violations, describe(violations)
    context.close()


def test_a_coordinator_reaches_the_grouped_pages_on_a_phone(browser, live_server, coordinator):
    from tests.browser.test_register_pages import _login_with_totp

    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    _login_with_totp(page, coordinator)
    page.get_by_role("button", name="Visa meny").click()
    page.locator("#main-nav.show").wait_for()  # the collapse's animation has ended
    nav = page.get_by_role("navigation", name="Huvudmeny")
    nav.get_by_role("button", name="Administrera").click()
    nav.get_by_role("link", name="Gallring").click()
    page.wait_for_url("**/statistik/gallring/")
    assert page.get_by_role("heading", level=1).inner_text() == "Gallring"
    page.get_by_role("button", name="Visa meny").click()
    page.locator("#main-nav.show").wait_for()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    violations = axe_violations(page)
    assert not violations, describe(violations)
    context.close()


def test_a_newcomer_sets_up_the_account_through_the_link_and_a_coordinator_confirms_the_role(
    browser, live_server, page, coordinator, admin_user
):
    from kaa.accounts import account_link_issue, role_grant_request
    from kaa.models import User
    from tests.browser.test_register_pages import _login_with_totp
    from tests.factories import UserFactory

    newcomer = UserFactory(
        username="nina",
        first_name="Nina",
        last_name="Nyberg",
        role="none",
        municipality=coordinator.municipality,
    )
    role_grant_request(user=newcomer, role="coach", actor=admin_user)
    token = account_link_issue(user=newcomer, purpose="invite", actor=admin_user)

    page.goto(f"/konto/lank/{token}/")
    page.wait_for_url("**/konto/lank/")
    assert token not in page.url  # the token leaves the address bar at once
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Välj lösenord och aktivera tvåfaktorinloggning"
    )
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.locator("#id_new_password1").fill("rodbetor-och-potatis-pa-fredag")
    page.locator("#id_new_password2").fill("rodbetor-och-potatis-pa-fredag")
    page.get_by_label("Engångskod").fill(_code(TOTPDevice.objects.get(user=newcomer)))
    page.get_by_role("button", name="Spara lösenordet och aktivera tvåfaktorinloggning").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    assert "ingen behörighet ännu" in page.content()

    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    other = context.new_page()
    _login_with_totp(other, coordinator)
    other.goto("/personal/")
    violations = axe_violations(other)
    assert not violations, describe(violations)
    other.get_by_role("button", name="Godkänn Ungdomscoach nina").click()
    other.wait_for_url("**/personal/")
    assert "Nina Nyberg har nu rollen Ungdomscoach" in other.content()
    assert User.objects.get(username="nina").role == "coach"
    context.close()
