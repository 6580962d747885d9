"""The SCB report's workflow: check, build and archive files, compare, submit, verify the
profile, and the half-yearly draft with its notice to coordinators."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit import Action, audit_event
from kaa.lib.emails import send_scb_draft
from kaa.lib.storage import save_local_file
from kaa.models import Municipality, Role, User
from reporting.scb.checks import Findings
from reporting.scb.models import ScbFile, ScbFileEntry, ScbProfileVerification, ScbReport
from reporting.scb.periods import HalfYear, reportable
from reporting.scb.profile import Profile, profile_for
from reporting.scb.writer import Outcome, run
from youth.models import Reason

ENTRY_BATCH = 2000


def profile_verification(
    municipality: Municipality, profile: Profile
) -> ScbProfileVerification | None:
    return (
        ScbProfileVerification.objects.filter(
            municipality=municipality, profile_name=profile.name, checksum=profile.checksum
        )
        .select_related("verified_by")
        .first()
    )


def profile_verify(
    *, municipality: Municipality, profile: Profile, actor: User, note: str
) -> ScbProfileVerification:
    """Record that a coordinator compared this exact file with SCB's documents."""
    verification, _created = ScbProfileVerification.objects.get_or_create(
        municipality=municipality,
        profile_name=profile.name,
        checksum=profile.checksum,
        defaults={"verified_by": actor, "verified_at": timezone.now(), "note": note},
    )
    audit_event(
        action=Action.UPDATE, user=actor, obj=verification, detail=f"scb-profil:{profile.name}"
    )
    return verification


def report_for(municipality: Municipality, period: HalfYear) -> ScbReport:
    report, _created = ScbReport.objects.get_or_create(
        municipality=municipality, period=str(period)
    )
    return report


def _store(report: ScbReport, findings: Findings, profile: Profile) -> None:
    report.summary = findings.summary()
    report.checked_at = timezone.now()
    report.profile_name = profile.name
    report.save(update_fields=["summary", "checked_at", "profile_name"])


def report_check(
    *, municipality: Municipality, period: HalfYear, today: dt.date
) -> tuple[ScbReport, Findings, Profile]:
    """Run every check for the half-year (no file) and store the summary on the report."""
    reportable(period, today=today)
    profile = profile_for(period)
    verified = profile_verification(municipality, profile) is not None
    outcome = run(municipality, period, profile, today=today, verified=verified)
    report = report_for(municipality, period)
    _store(report, outcome.findings, profile)
    return report, outcome.findings, profile


def _target(filename: str, suffix: str) -> str:
    """The name the file is stored under (in the storage, not a local path)."""
    today = timezone.localdate()
    stem = Path(filename).stem
    return f"scb/{today:%Y}/{uuid.uuid4().hex}-{stem}{suffix}"


class _Entries:
    """One fingerprint per youth (a youth with two periods in the half-year gets one, made
    of both), written in batches as the rows stream past (they come ordered by youth)."""

    def __init__(self, file: ScbFile) -> None:
        self.file = file
        self.buffer: list[ScbFileEntry] = []
        self.pending: tuple[int, str] | None = None

    def __call__(self, youth_id: int, digest: str) -> None:
        if self.pending is not None and self.pending[0] == youth_id:
            combined = hashlib.sha256(f"{self.pending[1]}{digest}".encode()).hexdigest()
            self.pending = (youth_id, combined[:16])
            return
        self._push()
        self.pending = (youth_id, digest)

    def _push(self) -> None:
        if self.pending is not None:
            youth_id, digest = self.pending
            self.buffer.append(ScbFileEntry(file=self.file, youth_id=youth_id, digest=digest))
            self.pending = None
        if len(self.buffer) >= ENTRY_BATCH:
            ScbFileEntry.objects.bulk_create(self.buffer)
            self.buffer = []

    def flush(self) -> None:
        self._push()
        ScbFileEntry.objects.bulk_create(self.buffer)
        self.buffer = []


def _previous_submitted(report: ScbReport) -> ScbFile | None:
    return report.files.filter(status=ScbFile.Status.SUBMITTED).first()


def _compare(file: ScbFile, previous: ScbFile | None) -> None:
    if previous is None:
        file.added = file.entries.count()
        return
    file.compared_with = previous
    file.added = diff_added(file).count()
    file.removed = diff_removed(file).count()
    file.changed = diff_changed(file).count()


def diff_added(file: ScbFile) -> QuerySet[ScbFileEntry]:
    old = ScbFileEntry.objects.filter(file_id=file.compared_with_id, youth_id=OuterRef("youth_id"))
    return file.entries.filter(~Exists(old))


def diff_removed(file: ScbFile) -> QuerySet[ScbFileEntry]:
    new = ScbFileEntry.objects.filter(file=file, youth_id=OuterRef("youth_id"))
    return ScbFileEntry.objects.filter(file_id=file.compared_with_id).filter(~Exists(new))


def diff_changed(file: ScbFile) -> QuerySet[ScbFileEntry]:
    old = ScbFileEntry.objects.filter(file_id=file.compared_with_id, youth_id=OuterRef("youth_id"))
    same = old.filter(digest=OuterRef("digest"))
    return file.entries.filter(Exists(old)).filter(~Exists(same))


def file_build(
    *,
    municipality: Municipality,
    period: HalfYear,
    actor: User | None,
    today: dt.date,
    override_reason: str = "",
    request_key: str | None = None,
) -> tuple[ScbFile | None, Findings]:
    """Check and write the half-year's file and its readable xlsx, archive them, compare with
    the last submitted file. With blocking problems nothing is kept unless the coordinator
    gives a reason to override (logged). Returns (file or None, findings). `request_key` is
    unique among files, so a second build for the same request fails with IntegrityError."""
    reportable(period, today=today)
    profile = profile_for(period)
    verified = profile_verification(municipality, profile) is not None
    report = report_for(municipality, period)
    filename = profile.filename(kommunkod=municipality.code, period=period)
    content_name = _target(filename, Path(filename).suffix or ".csv")
    readable_name = _target(filename, ".xlsx")
    # Written on this node's own disk first, then stored (where any web process can serve
    # them) only when the run is complete and kept.
    with tempfile.TemporaryDirectory(prefix="kaa-scb-") as work, transaction.atomic():
        content_path = Path(work) / Path(content_name).name
        readable_path = Path(work) / Path(readable_name).name
        file = ScbFile.objects.create(
            report=report,
            created_at=timezone.now(),
            created_by=actor,
            filename=filename,
            sha256="",
            size=0,
            row_count=0,
            youth_count=0,
            profile_name=profile.name,
            profile_version=profile.version,
            profile_checksum=profile.checksum,
            profile_verified=verified,
            override_reason=override_reason.strip()[:300],
            request_key=request_key,
        )
        entries = _Entries(file)
        outcome: Outcome = run(
            municipality,
            period,
            profile,
            today=today,
            verified=verified,
            out=content_path,
            readable=readable_path,
            allow_blocking=bool(override_reason.strip()),
            on_youth=entries,
        )
        if not outcome.written:
            transaction.set_rollback(True)
        else:
            file.content.name = save_local_file(content_name, content_path)
            file.readable.name = save_local_file(readable_name, readable_path)
            _archive(file, entries, outcome, report, actor, period)
    _store(report, outcome.findings, profile)
    return (file if outcome.written else None), outcome.findings


def _archive(
    file: ScbFile,
    entries: _Entries,
    outcome: Outcome,
    report: ScbReport,
    actor: User | None,
    period: HalfYear,
) -> None:
    entries.flush()
    file.sha256, file.size = outcome.sha256, outcome.size
    file.row_count, file.youth_count = outcome.rows, outcome.youths
    file.blocking, file.warnings = outcome.findings.blocking, outcome.findings.warnings
    _compare(file, _previous_submitted(report))
    file.save()
    detail = f"scb:{period}" + (":override" if file.blocking else "")
    audit_event(
        action=Action.EXPORT, user=actor, obj=file, detail=detail, flagged=bool(file.blocking)
    )


@transaction.atomic
def file_submit(*, file: ScbFile, actor: User) -> ScbFile:
    """Mark the file as the one uploaded to SCB; the earlier submitted one is superseded."""
    file = ScbFile.objects.select_for_update().get(pk=file.pk)
    if file.status != ScbFile.Status.GENERATED:
        raise ValidationError(_("Filen är redan markerad som inskickad eller ersatt."))
    newer = file.report.files.filter(created_at__gt=file.created_at).exists()
    if newer:
        raise ValidationError(_("Det finns en nyare fil för halvåret. Markera den i stället."))
    file.report.files.filter(status=ScbFile.Status.SUBMITTED).update(
        status=ScbFile.Status.SUPERSEDED
    )
    file.status, file.submitted_at, file.submitted_by = (
        ScbFile.Status.SUBMITTED,
        timezone.now(),
        actor,
    )
    file.save(update_fields=["status", "submitted_at", "submitted_by"])
    report = file.report
    report.status = ScbReport.Status.SUBMITTED
    report.save(update_fields=["status"])
    audit_event(action=Action.UPDATE, user=actor, obj=file, detail="scb:inskickad")
    return file


def drafts_build(*, today: dt.date) -> int:
    """After a half-year ends: check each municipality's report for it and tell the
    coordinators (e-mail with counts, and the banner). Idempotent: once per report."""
    period = HalfYear.containing(today).prev()
    done = 0
    for municipality in Municipality.objects.all():
        if not municipality.reports_to_scb_from_kaa(period.end):
            continue  # reported outside KAA
        report = report_for(municipality, period)
        if report.notified_at is not None:
            continue
        report, findings, profile = report_check(
            municipality=municipality, period=period, today=today
        )
        coordinators = User.objects.filter(
            municipality=municipality, role=Role.COORDINATOR, is_active=True
        ).exclude(email="")
        for user in coordinators:
            send_scb_draft(
                to=user.email,
                context={
                    "name": user.first_name or user.username,
                    "period": period,
                    "label": period.label,
                    "deadline": profile.deadline(period),
                    "youths": findings.youths,
                    "blocking": findings.blocking,
                    "warnings": findings.warnings,
                    "score": findings.quality.score,
                    "url": settings.KAA_BASE_URL
                    + reverse("reporting:scb_period", args=[str(period)]),
                },
            )
        report.notified_at = timezone.now()
        report.save(update_fields=["notified_at"])
        done += 1
    return done


# Reasons that themselves mean "another reason, not known": reported as SCB's unknown.
UNKNOWN_BY_NATURE = {("registration", "OVRIGT")}


def reasons_uncovered(*, profile: Profile, period: HalfYear) -> list[Reason]:
    """The reasons the app offers (active) that the profile cannot report as what they are
    in `period`: no code at all, or a code for "okänd" although the reason is known. A
    deregistration outside the target group is not reported and needs no code."""
    code_list = {"registration": "registration_reason", "deregistration": "ended_reason"}
    out = []
    for reason in Reason.objects.filter(is_active=True).order_by("kind", "sort_order"):
        if reason.kind == "deregistration" and reason.outside_target_group:
            continue
        entry = profile.code(code_list[reason.kind], reason.code, period)
        if entry is None or (
            entry.unknown and (reason.kind, reason.code) not in UNKNOWN_BY_NATURE
        ):
            out.append(reason)
    return out
