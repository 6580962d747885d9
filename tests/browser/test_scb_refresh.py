"""A coordinator orders the SCB file and stays on the page: the archive says the file is being
made and shows it, with its link, when the worker is done, without the page being reloaded."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reporting.scb.models import ScbFile
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login_with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_scb_archive_shows_the_file_when_the_worker_is_done(page, coordinator, monkeypatch):
    import kaa.outbox

    publish = kaa.outbox.publish
    waiting: list[int] = []
    # The worker is busy: what is ordered waits in the outbox until the test lets it run.
    monkeypatch.setattr(kaa.outbox, "publish", waiting.append)
    _login_with_totp(page, coordinator)
    page.goto("/statistik/scb/2026H1/")
    page.get_by_role("button", name="Skapa fil").click()
    page.wait_for_load_state()
    archive = page.get_by_role("region", name="Arkiv")
    # One status element, announced when its text changes (it is never replaced itself).
    status = page.locator("#scb-archive-status[aria-live=polite]")
    expect(status).to_contain_text("Listan uppdateras av sig själv")
    status.evaluate("element => { window.kaaStatus = element; }")
    assert not ScbFile.objects.exists()
    page.evaluate("window.kaaNotReloaded = true")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    assert waiting
    for pk in waiting:  # the worker makes the file
        publish(pk)
    [made] = ScbFile.objects.all()
    expect(status).to_contain_text("Filen är klar", timeout=10_000)
    assert status.evaluate("element => element === window.kaaStatus")
    link = archive.get_by_role("link", name=made.created_at.astimezone().strftime("%Y-%m-%d"))
    expect(link.first).to_be_visible()
    assert page.evaluate("window.kaaNotReloaded === true")  # refreshed in place
