"""A coach's and a coordinator's everyday forms in the browser: a save that met someone else's
save meanwhile, the closing conversation, the weekly review, one's own password."""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login
from tests.factories import youth_make
from youth.models import Youth

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where to keep screenshots for a person to look at (unset: none are taken).
SHOTS = os.environ.get("KAA_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_save_meanwhile_shows_three_columns_and_keeps_their_fix(
    page, coach, colleague, municipality, width
):
    from youth.register.services import youth_contact_update

    page.set_viewport_size({"width": width, "height": 900})
    youth = youth_make(
        municipality=municipality, coach=coach, phone="070-000", email="fel@exempel.se"
    )
    _login(page, "omar")
    page.goto(f"/ungdomar/{youth.pk}/andra/")
    # A colleague fixes the e-mail address while the form is open.
    youth_contact_update(youth=youth, actor=colleague, version=1, email="ratt@exempel.se")
    page.get_by_label("Telefon", exact=True).fill("070-999")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    shown = page.locator("#stale-changes").inner_text()  # what is rendered at this width
    for words in (
        "När du öppnade",
        "Sparat under tiden",
        "Ditt värde (inte sparat)",
        "fel@exempel.se",
        "ratt@exempel.se",
        "Inte ändrat av dig",
        "070-999",
    ):
        assert words in shown, (words, shown)
    if width == 1280:
        row = page.locator("#stale-changes tr", has_text="E-post").inner_text()
        assert row.split("\t")[1:3] == ["fel@exempel.se", "ratt@exempel.se"], row
    assert page.get_by_label("E-post").input_value() == "ratt@exempel.se"
    assert page.get_by_label("Telefon", exact=True).input_value() == "070-999"
    _shot(page, f"stale-{width}")
    _accessible(page)

    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Kontaktuppgifterna är sparade" in page.content()
    youth = Youth.objects.get(pk=youth.pk)
    assert (youth.email, youth.phone) == ("ratt@exempel.se", "070-999")
