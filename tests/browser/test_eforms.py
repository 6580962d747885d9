"""The public e-forms on a phone: a youth answers "working" and the coach sees it;
a school reports a dropout and a coordinator accepts it; axe finds nothing on any public page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outreach.eservice.services import access_code_for
from outreach.models import ContactAttempt
from outreach.routine.engine import deadlines_refresh
from outreach.routine.services import routine_from_template
from plans.models import SchoolNotification
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login, _login_with_totp
from tests.factories import reason, youth_make
from youth.models import KaaPeriod, Youth

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 375, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _no_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


def _fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"


def test_a_youth_answers_working_on_a_phone_and_the_coach_sees_it(
    phone, page, coach, municipality
):
    routine_from_template(municipality=municipality, key="askersund", actor=None)
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="ليلى",
        last_name="Haddad",
        start_date=timezone.localdate() - dt.timedelta(days=20),
    )
    deadlines_refresh()
    code = access_code_for(youth)

    phone.goto(f"/e/{code.code}/")
    _no_violations(phone)
    _fits_the_phone(phone)
    assert "Haddad" not in phone.content()
    phone.get_by_label("Ditt födelsedatum").fill("1999-01-01")
    phone.get_by_role("button", name="Fortsätt").click()
    assert phone.get_by_role("alert").inner_text().startswith("Koden eller födelsedatumet")
    _no_violations(phone)

    phone.get_by_label("Ditt födelsedatum").fill(youth.birth_date.strftime("%Y%m%d"))
    phone.get_by_role("button", name="Fortsätt").click()
    phone.wait_for_url("**/e/svar/")
    heading = phone.get_by_role("heading", level=1)
    assert "ليلى" in heading.inner_text()
    _no_violations(phone)
    _fits_the_phone(phone)

    phone.get_by_role("button", name="Skicka").click()  # nothing filled in
    assert "Fyll i minst en sak" in phone.get_by_role("alert").first.inner_text()
    _no_violations(phone)
    phone.get_by_label("Jag arbetar").check()
    phone.get_by_label("Var arbetar du? (om du vill berätta)").fill("Bageriet")
    phone.get_by_role("button", name="Skicka").click()
    phone.wait_for_url("**/e/tack/")
    _no_violations(phone)
    attempt = ContactAttempt.objects.get(youth=youth, channel="eservice")
    assert attempt.outcome == "reached"

    _login(page, "omar")
    page.goto("/uppsok/")
    row = page.get_by_role("table", name="Svar via e-tjänsten")
    row.get_by_role("link", name="Följ upp").click()
    assert "Bageriet" in page.content()
    _no_violations(page)
    page.get_by_role("button", name="Markera som genomgånget").click()
    page.wait_for_url(f"**/ungdomar/{youth.pk}/**")
    youth.refresh_from_db()
    assert youth.status == "occupied"


def test_a_school_reports_a_dropout_on_a_phone_and_a_coordinator_accepts_it(
    phone, page, coordinator, municipality
):
    today = timezone.localdate()
    from demo.youths import personnummer_for

    number = personnummer_for(today.replace(year=today.year - 17), 4242)
    phone.goto("/skola/anmalan/")
    _no_violations(phone)
    _fits_the_phone(phone)
    phone.get_by_label("Elevens hemkommun").select_option(str(municipality.pk))
    phone.get_by_label("Eleven har slutat").check()
    phone.get_by_label("Elevens personnummer").fill("20080101-1235")
    phone.get_by_label("Elevens förnamn").fill("Nour")
    phone.get_by_label("Elevens efternamn").fill("Al-Sayed")
    phone.locator("#id_school").fill("Alléskolan")
    phone.locator("#id_event_date").fill((today - dt.timedelta(days=2)).isoformat())
    phone.get_by_label("Kontaktperson på skolan").fill("Eva Mentor")
    phone.get_by_label("Kontaktpersonens e-post").fill("eva@alleskolan.example")
    phone.get_by_role("button", name="Skicka anmälan").click()
    expect(phone.get_by_text("Formuläret innehåller fel")).to_be_visible()
    assert phone.get_by_label("Elevens förnamn").input_value() == "Nour"
    _no_violations(phone)
    phone.get_by_label("Elevens personnummer").fill(number)
    phone.get_by_role("button", name="Skicka anmälan").click()
    phone.wait_for_url("**/skola/anmalan/skickad/")
    _no_violations(phone)
    notice = SchoolNotification.objects.get()

    _login_with_totp(page, coordinator)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Skolanmälningar"
    ).click()
    _no_violations(page)
    page.get_by_role("link", name=notice.reference).click()
    _no_violations(page)
    page.get_by_label("Registreringsorsak (vid registrering i KAA)").select_option(
        str(reason("AVBROTT_NATIONELLT").pk)
    )
    page.get_by_role("button", name="Ta om hand").click()
    youth = Youth.objects.get(personnummer=number)
    page.wait_for_url(f"**/ungdomar/{youth.pk}/**")
    assert KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).exists()
    notice.refresh_from_db()
    assert notice.status == "accepted"


def test_the_expired_and_thanks_pages_have_no_violations(phone):
    for path in ("/e/svar/", "/e/tack/", "/e/"):
        phone.goto(path)
        _no_violations(phone)
        _fits_the_phone(phone)
