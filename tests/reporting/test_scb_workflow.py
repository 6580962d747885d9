"""Archive, comparison with the last submitted file, submission, and the half-yearly draft."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from kaa.models import AuditEvent
from reporting.models import ScbFile, ScbReport
from reporting.scb.services import (
    diff_added,
    diff_changed,
    diff_removed,
    drafts_build,
    file_build,
    file_submit,
)
from tests.factories import reason
from tests.reporting.conftest import H1, D

TODAY = dt.date(2026, 11, 23)
pytestmark = pytest.mark.django_db


def _build(municipality, actor, **kwargs):
    file, findings = file_build(
        municipality=municipality, period=H1, actor=actor, today=TODAY, **kwargs
    )
    assert file is not None, findings.counts
    return file


def test_a_file_is_archived_with_checksum_counts_and_an_audit_event(
    municipality, register, coordinator
):
    file = _build(municipality, coordinator)
    with default_storage.open(file.content.name, "rb") as stored:
        content = stored.read()
    assert hashlib.sha256(content).hexdigest() == file.sha256
    assert (file.size, file.row_count, file.youth_count) == (len(content), 16, 5)
    with default_storage.open(file.readable.name, "rb") as stored:
        assert stored.read(2) == b"PK"
    assert file.filename == "KAA_1882_2026H1.csv"
    assert (file.profile_name, file.profile_verified) == ("kaa-2018H2", False)
    assert file.entries.count() == 5  # one fingerprint per youth (Cia's two periods as one)
    assert (file.compared_with, file.added) == (None, 5)
    event = AuditEvent.objects.get(action="export", object_id=str(file.pk))
    assert (event.user, event.detail) == (coordinator, "scb:2026H1")
    report = ScbReport.objects.get(municipality=municipality, period="2026H1")
    assert report.summary["warnings"] == 6


def test_a_new_file_shows_who_was_added_removed_and_changed(
    municipality, register, coordinator, build
):
    first = _build(municipality, coordinator)
    file_submit(file=first, actor=coordinator)
    newcomer = build.youth("Nina Ny")
    build.period(newcomer, D(2026, 5, 2))
    bo_period = register["bo"].periods.get()
    bo_period.deregistration_reason = reason("FELREGISTRERAD", "deregistration")
    bo_period.save()
    build.contact(register["fia"], D(2026, 6, 30), period=register["fia"].periods.get())
    second = _build(municipality, coordinator)
    assert second.compared_with == first
    assert (second.added, second.removed, second.changed) == (1, 1, 1)
    assert [e.youth_id for e in diff_added(second)] == [newcomer.pk]
    assert [e.youth_id for e in diff_removed(second)] == [register["bo"].pk]
    assert [e.youth_id for e in diff_changed(second)] == [register["fia"].pk]


def test_submitting_supersedes_the_earlier_file_and_only_the_newest_can_be_submitted(
    municipality, register, coordinator
):
    first = _build(municipality, coordinator)
    file_submit(file=first, actor=coordinator)
    second = _build(municipality, coordinator)
    third = _build(municipality, coordinator)
    with pytest.raises(ValidationError, match="nyare fil"):
        file_submit(file=second, actor=coordinator)
    file_submit(file=third, actor=coordinator)
    statuses = dict(ScbFile.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "superseded", second.pk: "generated", third.pk: "submitted"}
    assert third.compared_with == first
    assert (third.added, third.removed, third.changed) == (0, 0, 0)
    with pytest.raises(ValidationError, match="redan"):
        file_submit(file=third, actor=coordinator)
    assert ScbReport.objects.get().status == "submitted"


def test_blocking_problems_keep_nothing_unless_a_reason_is_given(municipality, build, coordinator):
    youth = build.youth("Ada Ek", born=D(2006, 3, 15))
    build.period(youth, D(2025, 8, 1))
    file, findings = file_build(
        municipality=municipality, period=H1, actor=coordinator, today=TODAY
    )
    assert file is None
    assert findings.counts["OVER_20_OPEN"] == 1
    assert not ScbFile.objects.exists()
    assert ScbReport.objects.get().summary["blocking"] == 1  # the check is still stored
    file = _build(municipality, coordinator, override_reason="SCB:s handläggare bad om den")
    assert file.blocking == 1
    event = AuditEvent.objects.get(action="export")
    assert (event.detail, event.flagged) == ("scb:2026H1:override", True)


def test_the_draft_is_built_once_after_the_half_year_and_the_coordinators_told(
    municipality, register, coordinator, stranger_coordinator, coach
):
    coordinator.email = "sara@askersund.se"
    coordinator.save()
    coach.email = "omar@askersund.se"
    coach.save()
    assert drafts_build(today=dt.date(2026, 7, 1)) == 2  # both municipalities, for 2026H1
    report = ScbReport.objects.get(municipality=municipality, period="2026H1")
    assert report.notified_at is not None
    assert report.summary["quality"]["youths"] == 6
    assert sorted(m.to[0] for m in mail.outbox) == ["fatima@example.se", "sara@askersund.se"]
    body = next(m.body for m in mail.outbox if m.to == ["sara@askersund.se"])
    assert "5 ungdomar att rapportera" in body
    assert "0 fel som måste rättas" in body
    assert "2026-08-31" in body  # the profile's deadline for 2026H1
    assert "/statistik/scb/2026H1/" in body
    for youth in register.values():
        assert youth.personnummer not in body
        assert youth.last_name not in body
    assert drafts_build(today=dt.date(2026, 7, 2)) == 0
    assert len(mail.outbox) == 2


def test_no_draft_for_a_half_year_that_ended_before_kaa_was_taken_into_use(
    municipality, register, coordinator
):
    coordinator.email = "sara@askersund.se"
    coordinator.save()
    municipality.in_use_from = dt.date(2026, 7, 1)  # set up the day after 2026H1 ended
    municipality.save()
    drafts_build(today=dt.date(2026, 7, 1))
    assert not ScbReport.objects.filter(municipality=municipality).exists()
    assert "sara@askersund.se" not in [m.to[0] for m in mail.outbox]
    municipality.in_use_from = dt.date(2026, 6, 30)  # in use on the half-year's last day
    municipality.save()
    drafts_build(today=dt.date(2026, 7, 1))
    assert ScbReport.objects.filter(municipality=municipality, period="2026H1").exists()
