"""The register's pages in Chromium: search, the youth's page, a note; axe on each."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe
from tests.factories import youth_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ett-langt-testlosenord-123"


def _login(page, username: str) -> None:
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda url: url.endswith("/"))


def _login_with_totp(page, user) -> None:
    """Log in a role that needs the second factor, with an authenticator app set up."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.browser.test_login_flow import _code

    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/konto/tvafaktor/**")
    page.get_by_label("Engångskod").fill(_code(device))
    page.get_by_role("button", name="Verifiera").click()
    page.wait_for_url(lambda url: url.endswith("/"))


def test_a_coach_finds_a_youth_by_personnummer_and_writes_a_note(page, coach, municipality):
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Alva",
        last_name="Bergström",
        phone="070-123 45 67",
    )
    youth_make(municipality=municipality, coach=coach, first_name="Leo", last_name="Ek")
    _login(page, "omar")
    # The start page loads the caseload panel by htmx.
    page.get_by_role("link", name="Bergström, Alva").wait_for()
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ungdomar").click()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_label("Sök namn eller personnummer").fill(
        youth.personnummer[2:8] + "-" + youth.personnummer[8:]
    )
    page.get_by_role("button", name="Sök", exact=True).click()
    page.wait_for_load_state()
    assert youth.personnummer[8:] not in page.url
    assert page.get_by_role("status").first.inner_text().startswith("1 ungdom")
    page.get_by_role("link", name="Bergström, Alva").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Alva Bergström"
    page.get_by_label("Ny anteckning").fill("Ringde, lämnade meddelande.")
    page.get_by_role("button", name="Spara anteckning").click()
    page.wait_for_load_state()
    assert "Anteckningen är sparad." in page.content()
    expect(page.get_by_text("Ringde, lämnade meddelande.").first).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_coordinators_pages_have_no_axe_violations(page, coordinator, municipality, coach):
    youth = youth_make(municipality=municipality, coach=coach, protected_identity=True)
    _login_with_totp(page, coordinator)
    for path in (
        "/ungdomar/?status=not_reached&sort=alder",
        f"/ungdomar/{youth.pk}/",
        "/ungdomar/import/",
        "/ungdomar/overlamning/",
        "/loggkontroll/",
        "/tillganglighet/",
    ):
        page.goto(path)
        violations = axe_violations(page)
        assert not violations, (path, describe(violations))
    # Gallring: a policy below KAA's minimum comes back with the warning, the input kept.
    page.goto(reverse("records:retention"))
    assert not axe_violations(page)
    notes = page.locator("section", has=page.get_by_role("heading", name="Anteckningar"))
    notes.locator("summary").click()
    notes.get_by_label("Gallras efter (månader)").fill("3")
    notes.get_by_label("Gallringsbeslut", exact=True).fill("DHP §3")
    notes.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    notes = page.locator("section", has=page.get_by_role("heading", name="Anteckningar"))
    assert "kortare än KAA:s lägsta tid" in notes.inner_text()
    assert notes.get_by_label("Gallringsbeslut", exact=True).input_value() == "DHP §3"
    violations = axe_violations(page)
    assert not violations, ("gallring with a warning", describe(violations))
    page.goto("/ungdomar/ny/")
    page.get_by_label("Personnummer eller samordningsnummer").fill("20080320-0014")
    page.get_by_role("button", name="Registrera").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    violations = axe_violations(page)
    assert not violations, ("register with errors", describe(violations))


def test_a_coordinator_orders_a_register_extract_and_downloads_it(
    page, coordinator, coach, municipality
):
    youth = youth_make(municipality=municipality, coach=coach, last_name="Utdragsson")
    _login_with_totp(page, coordinator)
    page.goto(reverse("youth:data_protection", args=[youth.pk]))
    page.get_by_role("button", name="Ta fram registerutdrag (PDF)").click()
    page.wait_for_load_state()
    assert "Registerutdraget tas fram" in page.content()
    # The list (loaded into the page) offers the PDF once the worker has made it.
    link = page.get_by_role("link", name="Hämta PDF")
    link.wait_for()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"registerutdrag-{youth.pk}.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
