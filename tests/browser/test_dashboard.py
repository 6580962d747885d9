"""A manager opens the dashboard (axe-checked) and downloads the monthly PDF."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reporting.models import BoardReport
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login
from tests.factories import youth_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_reads_the_dashboard_and_downloads_the_monthly_pdf(
    page, manager, coach, municipality
):
    for n in range(6):
        youth_make(
            municipality=municipality,
            coach=coach,
            first_name="Dold",
            last_name=f"Ungdomsson{n}",
            start_date=timezone.localdate().replace(day=1),
        )
    _login(page, "maria")
    page.get_by_role("link", name="Statistik").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Ungdomar i KAA vid periodens slut")).to_be_visible()
    assert "Ungdomsson" not in page.content()
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_role("link", name="Rapporter till nämnden").click()
    page.locator("#id_report").select_option("monthly")
    page.get_by_role("button", name="Skapa rapport").click()
    page.wait_for_load_state()
    assert "Rapporten skapas" in page.content()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    report = BoardReport.objects.get()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"PDF Månadsstatistik {report.label}").click()
    path = download_info.value.path()
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
