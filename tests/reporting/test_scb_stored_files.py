"""The SCB file on object storage: the task writes it into the bucket (nothing is left on the
building node's disk), the web view and scb_export read it back from there."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from reporting.models import ScbFile

pytestmark = pytest.mark.django_db
PERIOD_URL = reverse("reporting:scb_period", args=["2026H1"])


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-23 09:00 +01:00", tick=False)


def test_a_file_built_by_the_task_is_stored_in_the_bucket_and_served_from_it(
    s3_storage,
    client_for,
    coordinator,
    register,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(PERIOD_URL, {"override_reason": ""}).status_code == 302
    file = ScbFile.objects.get()
    assert s3_storage.keys("scb/") == sorted([file.content.name, file.readable.name])
    stored = s3_storage.read(file.content.name)
    assert hashlib.sha256(stored).hexdigest() == file.sha256
    assert len(stored) == file.size
    assert s3_storage.read(file.readable.name)[:2] == b"PK"
    media = tmp_path / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))

    download = client.get(reverse("reporting:scb_file_download", args=[file.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="KAA_1882_2026H1.csv"'
    assert b"".join(download.streaming_content) == stored
    readable = client.get(reverse("reporting:scb_file_readable", args=[file.pk]))
    assert b"".join(readable.streaming_content) == s3_storage.read(file.readable.name)


def test_scb_export_copies_the_archived_file_out_of_the_bucket(
    s3_storage, municipality, register, tmp_path
):
    target = tmp_path / "ut" / "KAA_1882_2026H1.csv"
    target.parent.mkdir()
    call_command("scb_export", "--period", "2026H1", "--output", str(target), stdout=io.StringIO())
    file = ScbFile.objects.get()
    assert target.read_bytes() == s3_storage.read(file.content.name)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == file.sha256
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left
