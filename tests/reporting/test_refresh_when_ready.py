"""A file or report ordered in the background: its list asks again every 3 s until the new
row is there, then says it is ready and stops asking (two minutes at most)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reporting.models import BoardReport, ScbFile

pytestmark = pytest.mark.django_db
PERIOD_URL = reverse("reporting:scb_period", args=["2026H1"])
ARCHIVE_URL = reverse("reporting:scb_archive", args=["2026H1"])


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-23 09:00 +01:00", tick=False)


def test_the_scb_archive_refreshes_until_the_file_is_ready(
    client_for, coordinator, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    client.get(PERIOD_URL)
    with django_capture_on_commit_callbacks(execute=False) as ordered:
        client.post(PERIOD_URL, {"override_reason": ""})
    page = client.get(PERIOD_URL).content.decode()
    assert f'hx-get="{ARCHIVE_URL}?n=1"' in page
    assert 'hx-trigger="every 3s"' in page
    assert "Listan uppdateras av sig själv" in page
    assert 'hx-trigger="every 3s"' in client.get(ARCHIVE_URL, {"n": 1}).content.decode()
    for callback in ordered:  # the worker makes the file
        callback()
    assert ScbFile.objects.count() == 1
    ready = client.get(ARCHIVE_URL, {"n": 2}).content.decode()
    assert "every 3s" not in ready
    assert "Filen är klar" in ready
    assert reverse("reporting:scb_file", args=[ScbFile.objects.get().pk]) in ready
    assert "every 3s" not in client.get(ARCHIVE_URL, {"n": 3}).content.decode()


def test_the_scb_archive_stops_asking_after_two_minutes(client_for, coordinator):
    client = client_for(coordinator)
    client.get(PERIOD_URL)
    client.post(PERIOD_URL, {"override_reason": ""})  # the worker never comes
    late = client.get(ARCHIVE_URL, {"n": 40}).content.decode()
    assert "every 3s" not in late
    assert "längre tid än vanligt" in late


def test_the_board_reports_refresh_until_the_report_is_ready(
    client_for, manager, municipality, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    url, listing = reverse("reporting:reports"), reverse("reporting:reports_list")
    with django_capture_on_commit_callbacks(execute=False) as ordered:
        client.post(url, {"report": "tertial", "year": "2026", "number": "2"})
    page = client.get(url).content.decode()
    assert f'hx-get="{listing}?n=1"' in page
    for callback in ordered:
        callback()
    assert BoardReport.objects.count() == 1
    ready = client.get(listing, {"n": 2}).content.decode()
    assert "every 3s" not in ready
    assert "Rapporten är klar" in ready
    assert reverse("reporting:report_pdf", args=[BoardReport.objects.get().pk]) in ready


def test_other_roles_get_no_list(client_for, coach, manager):
    assert client_for(coach).get(ARCHIVE_URL).status_code == 403
    assert client_for(manager).get(ARCHIVE_URL).status_code == 403
    assert client_for(coach).get(reverse("reporting:reports_list")).status_code == 403
