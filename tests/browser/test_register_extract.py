"""A coordinator orders the register extract for a youth, the list shows it when the worker
is done, and the PDF is a letter in Swedish: a cover page that says what it is and whom to
ask, staff by name and role, no codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login_with_totp
from tests.factories import youth_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_orders_an_extract_and_gets_a_swedish_letter(
    page, coordinator, coach, municipality
):
    import pypdf

    youth = youth_make(
        municipality=municipality, coach=coach, first_name="Amal", last_name="Utdragsson"
    )
    _login_with_totp(page, coordinator)
    page.goto(reverse("youth:data_protection", args=[youth.pk]))
    page.get_by_role("button", name="Ta fram registerutdrag (PDF)").click()
    page.wait_for_load_state()
    link = page.get_by_role("link", name="Hämta PDF", exact=False)
    link.wait_for()  # the list asks again until the worker is done
    violations = axe_violations(page)
    assert not violations, describe(violations)
    with page.expect_download() as download_info:
        link.click()
    reader = pypdf.PdfReader(download_info.value.path())
    cover = " ".join(reader.pages[0].extract_text().split())  # lines joined
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Registerutdrag: de uppgifter kommunen har om dig" in cover
    assert f"personnummer {youth.personnummer[:8]}-{youth.personnummer[8:]}" in cover
    assert f"{coordinator.get_full_name()}, samordnare" in cover
    assert "Frågor om utdraget" in cover
    for word in ("Created", "Summary", "coordinator", f" {coordinator.username} "):
        assert word not in f" {text} ", word  # the username only inside the e-mail address
