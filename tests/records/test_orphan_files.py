"""Stored files that no record names are deleted after a day, and only those: no personal data
is kept in a file nobody can find or erase."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from kaa.models import AuditEvent
from plans.consent.services import consent_paper_received
from plans.models import Consent
from records.files.services import orphans, orphans_delete
from tests.factories import adult_make, consent_make

pytestmark = pytest.mark.django_db
LATER = dt.timedelta(days=2)


def _scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("s.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")


def test_a_scan_left_by_a_failed_save_is_deleted_and_a_kept_one_stays(municipality, coach):
    kept = consent_make(adult_make(municipality=municipality, coach=coach), actor=coach)
    consent_paper_received(consent=kept, actor=coach, on=timezone.localdate(), scan=_scan())
    kept.refresh_from_db()
    failed = consent_make(adult_make(municipality=municipality, coach=coach), actor=coach)

    @transaction.atomic
    def request_that_fails() -> None:
        consent_paper_received(consent=failed, actor=coach, on=timezone.localdate(), scan=_scan())
        raise RuntimeError("the request failed after the scan was written")

    with pytest.raises(RuntimeError):
        request_that_fails()
    assert not Consent.objects.get(pk=failed.pk).scan
    left = orphans(now=timezone.now() + LATER)
    assert kept.scan.name not in left
    assert len(left) == 1
    assert left[0].startswith("consents/")
    assert default_storage.exists(left[0])
    unrelated = default_storage.save("andra/anteckning.txt", ContentFile(b"x"))

    # A file younger than a day may belong to a save still running: left alone.
    assert orphans_delete() == 0
    assert default_storage.exists(left[0])

    assert orphans_delete(now=timezone.now() + LATER) == 1
    assert not default_storage.exists(left[0])
    assert default_storage.exists(kept.scan.name)
    assert Consent.objects.get(pk=kept.pk).scan.read().startswith(b"%PDF")
    assert default_storage.exists(unrelated)  # not an upload folder of any record
    event = AuditEvent.objects.get(detail__startswith="föräldralösa filer")
    assert event.detail == "föräldralösa filer consents=1"  # counts, never names
    assert orphans_delete(now=timezone.now() + LATER) == 0


def test_the_scb_and_report_folders_are_watched_too():
    from records.files.services import _file_fields

    watched = {(model._meta.label, field, top) for model, field, top in _file_fields()}
    assert {
        ("plans.Consent", "scan", "consents"),
        ("reporting.ScbFile", "content", "scb"),
        ("reporting.ScbFile", "readable", "scb"),
        ("reporting.BoardReport", "pdf", "reports"),
        ("reporting.BoardReport", "xlsx", "reports"),
    } <= watched
    orphan = default_storage.save("scb/2026/halvfardig.txt", ContentFile(b"199001011234;..."))
    assert orphans(now=timezone.now() + LATER) == [orphan]
