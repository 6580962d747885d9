"""A coordinator decides on extended responsibility after 20 (UKAA) in Chromium, on a laptop
and on a phone: the start page's count, the list, a decision page that asks (no default), a
missing answer kept with its Swedish error, then yes, and the youth's page in UKAA."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login_with_totp
from tests.plans.test_ukaa import _turning_20
from youth.models import KaaPeriod
from youth.register.services import turning_20_deregister

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("KAA_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_coordinator_offers_extended_support_after_20(
    page, coordinator, coach, municipality, time_machine, width
):
    youth = _turning_20(municipality, coach, time_machine)
    assert turning_20_deregister(today=timezone.localdate()) == 1
    page.set_viewport_size({"width": width, "height": 900})
    _login_with_totp(page, coordinator)

    todo = page.get_by_role("region", name="Att göra")
    todo.get_by_role("link", name="Utökat aktivitetsansvar").click()
    page.wait_for_url("**/utokat-aktivitetsansvar/**")
    assert "1 förslag" in page.get_by_role("status").inner_text()
    _accessible(page)
    _shot(page, f"ukaa-list-{width}")
    page.get_by_role("link", name=youth.full_name).click()

    yes = page.get_by_label("Ja, erbjud fortsatt stöd till och med dagen före 25-årsdagen")
    no = page.get_by_label("Nej, erbjud inte utökat aktivitetsansvar")
    assert not yes.is_checked()
    assert not no.is_checked()
    page.get_by_label("Motivering").fill("Läser in gymnasiet på komvux, vill fortsätta")
    page.get_by_role("button", name="Spara beslutet").click()
    page.get_by_text("Välj ja eller nej.").first.wait_for()
    assert page.get_by_label("Motivering").input_value() == (
        "Läser in gymnasiet på komvux, vill fortsätta"
    )
    _accessible(page)
    _shot(page, f"ukaa-decide-error-{width}")

    page.get_by_label("Ja, erbjud fortsatt stöd till och med dagen före 25-årsdagen").check()
    page.get_by_role("button", name="Spara beslutet").click()
    page.locator("#ukaa-awaits-consent").wait_for()
    _shot(page, f"ukaa-decided-{width}")
    period = KaaPeriod.objects.get(youth=youth, end_date__isnull=True)
    assert period.kind == KaaPeriod.Kind.UKAA

    page.get_by_role("link", name=youth.full_name).click()
    page.get_by_text("i utökat aktivitetsansvar (UKAA) sedan").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _accessible(page)
    _shot(page, f"ukaa-youth-{width}")
