"""A coordinator imports a short list in Chromium: says it covers only some youths, sees
errors by column and value and changes old → new, confirms, and reads the result in words;
axe on the upload and the preview, and the preview on a phone without sideways scrolling."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe
from tests.browser.test_phone_pages import overflow
from tests.browser.test_register_pages import _login_with_totp
from tests.factories import youth_make
from tests.youth.test_import import HEADER, _pnr
from youth.models import KaaPeriod

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    if os.environ.get("KAA_SHOTS"):
        page.screenshot(path=f"{os.environ['KAA_SHOTS']}/{name}.png", full_page=True)


def test_a_coordinator_imports_a_short_list(page, coordinator, municipality, tmp_path):
    moved = youth_make(municipality=municipality, address="Gamla vägen 1")
    for n in range(3):
        youth_make(municipality=municipality, last_name=f"Kvarvarande{n}")
    path = tmp_path / "lista.csv"
    path.write_text(
        f"{HEADER};registreringsorsak\n"
        f"{moved.personnummer};{moved.first_name};{moved.last_name};Nya vägen 2;;;;;;\n"
        f"{_pnr(17, 970)};Alva;Berg;;;;;;;AVBROTT_NATIONELLT\n"
        f"{_pnr(17, 971)};Bo;Berg;;;;;inte-en-adress;;\n",
        encoding="utf-8",
    )
    _login_with_totp(page, coordinator)
    page.goto(reverse("youth:import_upload"))
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_label("Fil (CSV eller xlsx)").set_input_files(str(path))
    page.get_by_label("Bara några ungdomar", exact=False).check()
    page.get_by_label("Registreringsorsak").select_option(label="Annan orsak")
    page.get_by_role("button", name="Förhandsgranska").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Adress: Gamla vägen 1 → Nya vägen 2")).to_be_visible()
    error = page.get_by_role("row").filter(has_text="inte-en-adress")
    expect(error.get_by_role("cell", name="E-post", exact=True)).to_be_visible()
    assert "Kvarvarande0" not in page.content()
    _shot(page, "import-preview-desktop")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.set_viewport_size({"width": 375, "height": 800})
    assert overflow(page) == []
    _shot(page, "import-preview-375")
    page.get_by_role("button", name="Genomför importen").click()
    page.wait_for_load_state()
    assert page.get_by_text(
        "Importen är klar. 1 ungdom fick en ny KAA-period. 1 ungdom fick nya "
        "kontaktuppgifter. 1 rad med fel hoppades över. 0 ungdomar avregistrerades."
    ).is_visible()
    assert KaaPeriod.objects.filter(end_date__isnull=True).count() == 5
    period = KaaPeriod.objects.get(youth__first_name="Alva")
    assert period.registration_reason.code == "AVBROTT_NATIONELLT"
