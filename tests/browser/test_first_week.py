"""A coordinator's first week in the browser: register a youth, find the routine's first step
in the queue at once, print the postcard batch, confirm it, and log a contact; a guardian's
copy that cannot go by post is said; a second identical SMS asks first. At desktop width and
at 375 px (a phone)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.youths import personnummer_for
from outreach.letters.services import templates_ensure_defaults
from outreach.models import ContactAttempt, OutgoingMessage, OutreachCase, Task
from outreach.routine.engine import deadlines_refresh
from outreach.routine.services import routine_from_template
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login, _login_with_totp
from tests.factories import youth_make
from youth.models import Youth
from youth.register.services import guardian_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Where the walk-through's screenshots go when someone wants to look at them.
SHOTS = os.environ.get("KAA_SCREENSHOTS", "")
WIDTHS = {"desktop": 1280, "phone": 375}


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _fits(page) -> None:
    """Nothing wider than the screen: no sideways scrolling for the whole page."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the screen"


@pytest.fixture
def askersund(municipality, coordinator):
    routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    templates_ensure_defaults(municipality=municipality, actor=coordinator)
    coordinator.phone = "0583-810 00"
    coordinator.save()


@pytest.mark.parametrize("width", WIDTHS)
def test_register_queue_batch_confirm_and_contact(
    page, coordinator, municipality, askersund, width
):
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    _login_with_totp(page, coordinator)
    today = timezone.localdate()
    number = personnummer_for(today.replace(year=today.year - 18) - dt.timedelta(days=40), 321)
    page.goto("/ungdomar/ny/")
    page.get_by_label("Personnummer eller samordningsnummer").fill(number)
    page.get_by_label("Förnamn").fill("Maja")
    page.get_by_label("Efternamn").fill("Vykortsson")
    page.get_by_label("Registreringsorsak").select_option(index=1)
    page.get_by_label("Adress").fill("Storgatan 1")
    page.get_by_label("Postnummer").fill("69630")
    page.get_by_label("Postort").fill("Askersund")
    page.get_by_role("button", name="Registrera").click()
    page.wait_for_load_state()
    assert "Maja Vykortsson är registrerad i KAA" in page.content()
    youth = Youth.objects.get(last_name="Vykortsson")
    assert OutreachCase.objects.filter(youth=youth).exists()  # no 02:00 wait

    # The queue shows step 1 at once.
    page.goto("/uppsok/?vy=kommun")
    postcards = page.get_by_role("table", name="Vykort")
    expect(postcards.get_by_role("link", name="Maja Vykortsson")).to_be_visible()
    _fits(page)
    _shot(page, f"{width}-1-queue")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    # The postcard batch: preview, create, PDF, confirm.
    page.get_by_role("link", name="Nytt utskick").click()
    page.get_by_label("Utskick").select_option("postcard")
    page.get_by_label("Mall").select_option(label="Vykort")
    page.get_by_role("button", name="Visa urvalet").click()
    assert "Maja Vykortsson · Vykort" in page.inner_text("main")
    _fits(page)
    _shot(page, f"{width}-2-batch-preview")
    page.get_by_role("button", name="Skapa utskick").click()
    page.wait_for_url("**/utskick/*/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    _shot(page, f"{width}-3-batch")
    page.get_by_role("button", name="Bekräfta att utskicket är skickat").click()
    page.wait_for_load_state()
    assert "1 utskick är registrerade som skickade." in page.content()
    first = Task.objects.get(youth=youth, step__order=1)
    assert first.status == Task.Status.DONE
    assert Task.objects.filter(youth=youth, status=Task.Status.OPEN).exists()  # the rest waits

    # A contact: nothing preset, so saving unchanged records nothing.
    page.goto(f"/uppsok/ungdom/{youth.pk}/kontakt/")
    assert page.get_by_label("Utfall").input_value() == ""
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Detta fält måste fyllas i." in page.content()
    assert not ContactAttempt.objects.filter(youth=youth, channel="phone").exists()
    page.get_by_label("Kanal").select_option("phone")
    page.get_by_label("Utfall").select_option("no_answer")
    _fits(page)
    _shot(page, f"{width}-4-contact")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Kontaktförsöket är registrerat." in page.content()
    assert ContactAttempt.objects.get(youth=youth, channel="phone").outcome == "no_answer"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_guardian_without_an_address_is_said_and_an_sms_offered(
    page, coach, coordinator, municipality, askersund, width
):
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    today = timezone.localdate()
    minor = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Alva",
        last_name="Brevsson",
        address="Storgatan 1",
        postal_code="69630",
        city="Askersund",
        birth_date=today.replace(year=today.year - 16),
        start_date=today - dt.timedelta(days=8),
    )
    guardian_add(youth=minor, actor=coordinator, name="Eva Brevsson", phone="0701112233")
    deadlines_refresh()
    _login(page, "omar")
    page.goto("/uppsok/?vy=mina")
    row = page.get_by_role("row").filter(has_text="Alva Brevsson").filter(has_text="Vykort")
    expect(row.get_by_text("vårdnadshavare saknar adress")).to_be_visible()
    _fits(page)
    _shot(page, f"{width}-5-queue-guardian-gap")
    row.get_by_role("link", name="Sms eller e-post till vårdnadshavaren").click()
    assert page.get_by_label("Till vårdnadshavare").is_checked()
    # The SMS block: sent once; "back" and "Skicka" again asks first.
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_load_state()
    assert "Meddelandet är köat" in page.content()
    page.go_back()
    page.reload()
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_load_state()
    assert "Samma meddelande skickades till 0701112233" in page.content()
    _fits(page)
    _shot(page, f"{width}-6-sms-duplicate")
    assert OutgoingMessage.objects.filter(youth=minor).count() == 1
    page.get_by_role("button", name="Skicka ändå").click()
    page.wait_for_load_state()
    assert "Meddelandet är köat" in page.content()
    assert OutgoingMessage.objects.filter(youth=minor).count() == 2


@pytest.mark.parametrize("width", WIDTHS)
def test_a_step_weeks_ahead_asks_before_it_is_marked_done(
    page, coach, municipality, askersund, width
):
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Leo",
        last_name="Tidigsson",
        phone="0702223344",
        start_date=timezone.localdate() - dt.timedelta(days=3),
    )
    deadlines_refresh()
    _login(page, "omar")
    page.goto(f"/ungdomar/{youth.pk}/")
    tab = page.locator("#uppsok")
    sms = tab.get_by_role("listitem").filter(has_text="Sms").filter(has=page.locator("summary"))
    sms.locator("summary").click()
    expect(sms.get_by_role("button", name="Skickat/utfört")).to_be_visible()
    assert sms.get_by_role("button", name="Post i retur").count() == 0  # not on an SMS
    letter = (
        tab.get_by_role("listitem").filter(has_text="Brev").filter(has=page.locator("summary"))
    )
    letter.locator("summary").click()
    letter.get_by_role("button", name="Skickat/utfört").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Är steget redan gjort?")).to_be_visible()
    _fits(page)
    _shot(page, f"{width}-7-early-confirm")
    page.get_by_role("link", name="Nej, avbryt").click()
    page.wait_for_load_state()
    assert Task.objects.get(youth=youth, title="Brev").status == Task.Status.OPEN
