"""The coordinators' identification page in Chromium: upload, run, evidence, approve; axe."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login_with_totp
from tests.youth.identification.files import born_aged, navet, pnr, post
from youth.models import KaaPeriod

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_reviews_and_approves_a_proposal(page, coordinator, tmp_path):
    today = timezone.localdate()
    number = pnr(born_aged(17, today))
    population = tmp_path / "navet.xml"
    population.write_bytes(navet(post(number, first="Nils", last="Holm",
                                      guardians=("Vera Holm",))))
    _login_with_totp(page, coordinator)
    page.goto("/ungdomar/identifiering/")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_role("radio", name="Folkbokföring").check()
    page.locator("#id_file").set_input_files(str(population))
    page.get_by_role("button", name="Läs in filen").click()
    page.get_by_text("navet.xml är inläst").wait_for()
    page.get_by_role("button", name="Kör nu").click()
    page.get_by_text("Körningen är klar: 1 nya").wait_for()
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_role("link", name="Visa underlag för Nils").click()
    page.get_by_role("heading", name="Enligt källorna").wait_for()
    assert "Vera Holm" in page.content()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_role("button", name="Godkänn förslaget").click()
    page.get_by_text("1 förslag godkända.").wait_for()
    assert KaaPeriod.objects.filter(youth__personnummer=number, end_date__isnull=True).exists()
