"""Stored files on any node: every file goes through Django's storage API, so with
KAA_STORAGE=s3 a file one process (a worker) wrote is served by another (web) from a real
S3-compatible server on loopback; the objects are private, downloads stream through KAA's own
views, and deleting a record's file deletes the object. On the local default, web and worker
of docker-compose.yml share one media volume."""

from __future__ import annotations

import datetime as dt
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from plans.consent.services import consent_paper_received
from plans.models import Consent
from records.files.services import orphans, orphans_delete
from tests.factories import adult_make, consent_make, youth_make

ROOT = Path(__file__).resolve().parents[2]
SCAN = b"%PDF-1.7\n% a signed consent form\n%%EOF\n"


def _anonymous_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def _nothing_on_local_disk(settings) -> bool:
    media = Path(settings.MEDIA_ROOT)
    return not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.django_db
def test_a_consent_scan_is_uploaded_to_the_bucket_and_downloaded_through_the_view(
    s3_storage, client_for, coach, municipality, settings
):
    youth = adult_make(municipality=municipality, coach=coach)
    consent = consent_make(youth, actor=coach)
    client = client_for(coach)
    response = client.post(
        reverse("plans:consent_paper", args=[youth.pk, consent.pk]),
        {
            "on": timezone.localdate().isoformat(),
            "version": consent.version,
            "scan": SimpleUploadedFile("blankett.pdf", SCAN, "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    name = Consent.objects.get(pk=consent.pk).scan.name
    assert s3_storage.keys() == [name]
    assert name.startswith(f"consents/{timezone.localdate():%Y}/")
    assert s3_storage.read(name) == SCAN
    assert _nothing_on_local_disk(settings)

    download = client.get(reverse("plans:consent_scan", args=[youth.pk, consent.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == SCAN
    assert AuditEvent.objects.filter(
        action="read", youth_id=youth.pk, detail="samtycke.skanning"
    ).exists()


@pytest.mark.django_db
def test_a_stored_object_is_not_readable_without_the_keys(s3_storage, coach, municipality):
    consent = consent_make(adult_make(municipality=municipality, coach=coach), actor=coach)
    consent_paper_received(
        consent=consent,
        actor=coach,
        on=timezone.localdate(),
        scan=SimpleUploadedFile("s.pdf", SCAN, "application/pdf"),
    )
    name = Consent.objects.get(pk=consent.pk).scan.name
    assert s3_storage.read(name) == SCAN  # there, for the application's keys
    # Anyone else asking the store directly is refused: the object itself ...
    assert _anonymous_status(f"{s3_storage.endpoint}/{s3_storage.bucket}/{name}") == 403
    # ... and the address storage.url() would give: unsigned, so it grants nothing.
    url = default_storage.url(name)
    assert "Signature" not in url
    assert "X-Amz" not in url
    assert _anonymous_status(url) == 403


@pytest.mark.django_db
def test_an_orphaned_object_is_deleted_from_the_bucket_and_a_kept_one_stays(
    s3_storage, coach, municipality
):
    kept = consent_make(adult_make(municipality=municipality, coach=coach), actor=coach)
    consent_paper_received(
        consent=kept, actor=coach, on=timezone.localdate(), scan=SimpleUploadedFile("k.pdf", SCAN)
    )
    kept.refresh_from_db()
    failed = consent_make(adult_make(municipality=municipality, coach=coach), actor=coach)

    @transaction.atomic
    def request_that_fails() -> None:
        consent_paper_received(
            consent=failed,
            actor=coach,
            on=timezone.localdate(),
            scan=SimpleUploadedFile("f.pdf", SCAN),
        )
        raise RuntimeError("the request failed after the scan was stored")

    with pytest.raises(RuntimeError):
        request_that_fails()
    later = timezone.now() + dt.timedelta(days=2)
    left = orphans(now=later)
    assert len(left) == 1
    assert left[0] != kept.scan.name
    assert sorted(s3_storage.keys("consents/")) == sorted([kept.scan.name, left[0]])
    assert orphans_delete() == 0  # younger than a day: may belong to a save still running
    assert orphans_delete(now=later) == 1
    assert s3_storage.keys("consents/") == [kept.scan.name]
    assert orphans(now=later) == []


@pytest.mark.django_db
def test_a_replaced_scan_is_deleted_from_the_bucket(
    s3_storage, coach, municipality, django_capture_on_commit_callbacks
):
    consent = consent_make(adult_make(municipality=municipality, coach=coach), actor=coach)
    names = []
    for text in (b"%PDF-1.7\n%first\n", b"%PDF-1.7\n%second\n"):
        with django_capture_on_commit_callbacks(execute=True):
            consent_paper_received(
                consent=Consent.objects.get(pk=consent.pk),
                actor=coach,
                on=timezone.localdate(),
                scan=SimpleUploadedFile("s.pdf", text),
            )
        names.append(Consent.objects.get(pk=consent.pk).scan.name)
    assert names[0] != names[1]  # a name is never reused while its object is there
    assert s3_storage.keys() == [names[1]]
    assert s3_storage.read(names[1]) == b"%PDF-1.7\n%second\n"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_register_extract_built_by_a_worker_is_served_by_the_web_and_expires(
    s3_storage, real_worker, client_for, coordinator, coach, municipality, settings
):
    from records.register_extract.models import RegisterExtract
    from records.register_extract.services import EXTRACT_KEEP_DAYS, extracts_expire

    youth = youth_make(municipality=municipality, coach=coach)
    client = client_for(coordinator)
    response = client.post(reverse("records:register_extract", args=[youth.pk]))
    assert response.status_code == 302
    deadline = time.monotonic() + 60
    extract = RegisterExtract.objects.get(youth=youth)
    while extract.built_at is None and extract.failed_at is None:
        assert time.monotonic() < deadline, "the worker did not build the extract"
        time.sleep(0.2)
        extract.refresh_from_db()
    assert extract.failed_at is None, extract.error
    # The worker put it in the bucket, not on a disk of its own.
    assert s3_storage.keys("registerutdrag/") == [extract.file.name]
    assert _nothing_on_local_disk(settings)

    download = client.get(reverse("records:extract_download", args=[youth.pk, extract.pk]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF")
    assert body == s3_storage.read(extract.file.name)
    assert AuditEvent.objects.filter(
        action="export", youth_id=youth.pk, detail="registerutdrag"
    ).exists()

    # After its days the extract's file is deleted: the object is gone from the bucket.
    assert extracts_expire(now=timezone.now() + dt.timedelta(days=EXTRACT_KEEP_DAYS + 1)) == 1
    assert s3_storage.keys("registerutdrag/") == []
    assert (
        client.get(reverse("records:extract_download", args=[youth.pk, extract.pk])).status_code
        == 404
    )


def test_the_storage_is_chosen_by_the_environment(monkeypatch):
    from kaa.settings import media_storage

    monkeypatch.delenv("KAA_STORAGE", raising=False)
    assert media_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    monkeypatch.setenv("KAA_STORAGE", "s3")
    monkeypatch.delenv("KAA_S3_BUCKET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="KAA_S3_BUCKET"):
        media_storage()
    monkeypatch.setenv("KAA_S3_BUCKET", "kaa-akten")
    options = media_storage()["OPTIONS"]
    assert options["bucket_name"] == "kaa-akten"
    # Private objects, no links that grant access, nothing overwritten.
    assert options["default_acl"] is None
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    monkeypatch.setenv("KAA_STORAGE", "nfs")
    with pytest.raises(ImproperlyConfigured, match="KAA_STORAGE"):
        media_storage()


def test_web_and_worker_of_docker_compose_share_the_stored_files():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services, volumes = compose["services"], compose.get("volumes") or {}

    def media_mount(service: dict) -> tuple[str, str]:
        root = service["environment"]["MEDIA_ROOT"]
        mounts = [m.split(":")[:2] for m in service.get("volumes", []) if isinstance(m, str)]
        found = [(source, target) for source, target in mounts if target == root]
        assert found, f"nothing is mounted at MEDIA_ROOT {root}"
        return found[0][0], root

    web, worker = media_mount(services["web"]), media_mount(services["worker"])
    assert web == worker
    assert web[0] in volumes  # a named volume, not a directory of one host
