"""The re-check after the exit, walked in Chromium: a coordinator ends a period of a youth
who went to work, the coach finds the 3-month re-check in the queue on its day and answers
it, and the youth answers the 6-month one on a phone with the period's code."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outreach.eservice.services import access_code_for
from outreach.models import OutcomeRecheck, Task
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_eforms import PHONE, _fits_the_phone
from tests.browser.test_register_pages import _login, _login_with_totp
from tests.factories import occupation_type, youth_make
from youth.models import Occupation
from youth.register.services import occupation_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KAA_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _no_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_re_checks_are_answered_by_the_coach_and_by_the_youth_on_a_phone(
    browser, live_server, page, coach, coordinator, municipality
):
    today = timezone.localdate()
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Amira",
        last_name="Haddad",
        start_date=today - dt.timedelta(days=90),
    )
    occupation_record(
        youth=youth,
        type=occupation_type("ARBETE"),
        start_date=today - dt.timedelta(days=5),
        source=Occupation.Source.CONTACT,
        actor=coach,
        description="Lagret AB",
    )
    code = access_code_for(youth)

    _login_with_totp(page, coordinator)
    page.goto(f"/ungdomar/{youth.pk}/period/avsluta/")
    page.get_by_label("Avregistreringsorsak").select_option(label="Annan orsak")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/ungdomar/{youth.pk}/**")
    checks = {c.months: c for c in OutcomeRecheck.objects.filter(youth=youth)}
    assert sorted(checks) == [3, 6]
    # The walk cannot wait three months: the re-checks' dates are set on the records.
    OutcomeRecheck.objects.filter(pk=checks[3].pk).update(due_date=today)
    Task.objects.filter(ref=f"recheck:{checks[3].pk}").update(due_date=today)
    OutcomeRecheck.objects.filter(pk=checks[6].pk).update(due_date=today + dt.timedelta(days=7))
    page.context.clear_cookies()

    _login(page, "omar")
    page.goto("/uppsok/?vy=mina")
    expect(page.get_by_text("Återkontroll 3 månader efter KAA").first).to_be_visible()
    _shot(page, "1-queue")
    page.get_by_role("link", name="Följ upp Amira Haddad").click()
    page.wait_for_url(f"**/uppsok/aterkontroll/{checks[3].pk}/")
    _no_violations(page)
    assert not page.get_by_label("Ja, det håller").is_checked()
    page.get_by_label("Var/vad").fill("Komvux Askersund")
    page.get_by_role("button", name="Spara svaret").click()
    assert "Välj vad du fick veta." in page.content()
    assert page.get_by_label("Var/vad").input_value() == "Komvux Askersund"
    _shot(page, "2-coach-error")
    page.get_by_label("Nej, gör nu något annat").check()
    page.get_by_label("Vad gör ungdomen nu?").select_option(label="Studerar på komvux")
    page.get_by_label("Registrera det som ungdomens sysselsättning (källa: återkontroll)").check()
    _shot(page, "3-coach-form")
    page.get_by_role("button", name="Spara svaret").click()
    page.wait_for_url(f"**/ungdomar/{youth.pk}/**")
    _shot(page, "4-youth-page")
    checks[3].refresh_from_db()
    assert (checks[3].answer, checks[3].occupation.type.code) == ("changed", "KOMVUX")

    context = browser.new_context(base_url=live_server.url, locale="sv-SE", **PHONE)
    phone = context.new_page()
    phone.set_default_timeout(15000)
    phone.goto(f"/e/{code.code}/")
    phone.get_by_label("Ditt födelsedatum").fill(youth.birth_date.strftime("%Y%m%d"))
    phone.get_by_role("button", name="Fortsätt").click()
    phone.wait_for_url("**/e/uppfoljning/")
    _no_violations(phone)
    _fits_the_phone(phone)
    phone.get_by_role("button", name="Skicka").click()
    assert "Välj det som stämmer bäst." in phone.content()
    _no_violations(phone)
    _shot(phone, "5-phone-error")
    phone.get_by_label("Jag studerar").check()
    phone.get_by_label("Var? (frivilligt)").fill("Komvux")
    _shot(phone, "6-phone-form")
    phone.get_by_role("button", name="Skicka").click()
    phone.wait_for_url("**/e/tack/")
    _shot(phone, "7-phone-thanks")
    context.close()
    checks[6].refresh_from_db()
    # Work was the destination; studying now is something else.
    assert (checks[6].answer, checks[6].answered_via) == ("changed", "eservice")
