"""A coach hands a package to social services for a youth whose consent covers them (PDF
downloaded, on the timeline), and is refused with the reason for a youth without consent; at
desktop width and at 375 px, axe-checked."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from plans.models import HandOver, Partner
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login
from tests.factories import consent_make, plan_make, youth_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_a_coach_hands_over_with_consent_and_is_refused_without(
    page, coach, municipality, width, tmp_path
):
    page.set_viewport_size({"width": width, "height": 900})
    Partner.objects.create(municipality=municipality, name="IFO Askersund", kind="social")
    youth = youth_make(
        municipality=municipality, coach=coach, first_name="Hedda", last_name="Hemlund"
    )
    plan_make(youth, actor=coach, interventions=1, goal="Komvux till hösten")
    consent_make(youth, actor=coach, social_services=True)
    without = youth_make(
        municipality=municipality, coach=coach, first_name="Ivar", last_name="Utansson"
    )
    _login(page, "omar")

    page.goto(f"/ungdomar/{youth.pk}/")
    page.get_by_role("link", name="Nytt överlämningspaket").click()
    page.wait_for_load_state()
    page.screenshot(path=tmp_path / f"form-{width}.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_label("Samverkanspart").select_option(label="IFO Askersund")
    page.get_by_label("Aktuell handlingsplan").check()
    page.get_by_label("Insatser").check()
    page.get_by_label("Ungdomen har godkänt att just dessa delar lämnas till mottagaren").check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Överlämningen är sparad" in page.content()
    page.screenshot(path=tmp_path / f"detail-{width}.png", full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Hämta överlämningspaketet (PDF)").click()
    pdf = download_info.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Hedda Hemlund" in text
    assert "Komvux till hösten" in text
    assert HandOver.objects.get(youth=youth).parts == ["plan", "interventions"]

    page.goto(f"/ungdomar/{youth.pk}/")
    page.wait_for_load_state()
    page.screenshot(path=tmp_path / f"youth-{width}.png", full_page=True)
    assert page.get_by_text(
        "Överlämning till IFO Askersund: Aktuell handlingsplan, Insatser"
    ).first.is_visible()

    page.goto(f"/planer/ungdom/{without.pk}/overlamning/ny/")
    page.wait_for_load_state()
    page.screenshot(path=tmp_path / f"refused-{width}.png", full_page=True)
    expect(page.locator("#handover-refused")).to_be_visible()
    assert "Ungdomen har inget giltigt samtycke." in page.locator("#handover-refused").inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    print("screenshots:", tmp_path)
