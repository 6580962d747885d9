"""The register extract (registerutdrag, GDPR art. 15): everything stored about one youth,
across the register, the outreach and the plans, and who has read the record.

It lives in records because it reads every app below it. For a youth with protected
identity, or with a guardian who has it, the address is withheld from the document (a copy
sent by post must not reveal it), and only coordinators produce extracts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit import naming_youth_q
from kaa.models import AuditEvent
from outreach.models import (
    AccessCode,
    ContactAttempt,
    EserviceSubmission,
    HomeVisit,
    OutcomeRecheck,
    OutgoingMessage,
    OutreachCase,
    Task,
)
from plans.models import (
    ActionPlan,
    ClosingConversation,
    Consent,
    HandOver,
    Intervention,
    MappingConversation,
    MeetingYouth,
    PlanFollowUp,
    PlanRevision,
    SchoolNotification,
)
from youth.models import (
    Assignment,
    DataRequest,
    FieldChange,
    Guardian,
    KaaPeriod,
    Note,
    NoteRevision,
    Occupation,
    Proposal,
    TimelineEntry,
    Youth,
)

# Never printed: keys, internal counters, derived search keys, secrets.
SKIP = {
    "id",
    "youth",
    "pnr_short",
    "version",
    "code",
    "revision",
    "task_ids",
    "session_key",
    "idempotency_key",
    "url",
    "link",
    "ref",
}
ADDRESS = {"address", "postal_code", "city"}


def _value(obj: models.Model, field: models.Field) -> str:
    value = getattr(obj, field.name)
    if value in (None, ""):
        return ""
    display = getattr(obj, f"get_{field.name}_display", None)
    if display is not None:  # a choice, or a list of them the model names itself
        return str(display())
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nej"))
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model) and hasattr(value, "get_full_name"):
        return value.get_full_name() or value.get_username()
    if isinstance(value, dict):  # a snapshot (plan revisions): its fields in order
        return "; ".join(
            f"{key}: {text}" for key, text in value.items() if text not in (None, "", [], {})
        )
    return str(value)


def fields_of(obj: models.Model, *, hide_address: bool = False) -> list[tuple[str, str]]:
    """Every stored field of a record with a value, as (label, text): nothing left out by a
    hand-made list, so a field added later is in the extract too. Address fields are left out
    for a record with protected identity, and for every record of a youth with one."""
    hide_address = hide_address or bool(getattr(obj, "protected_identity", False))
    rows = []
    for field in obj._meta.concrete_fields:
        if field.name in SKIP or (hide_address and field.name in ADDRESS):
            continue
        text = _value(obj, field)
        if text:
            rows.append((str(field.verbose_name).capitalize(), text))
    return rows


def extract_context(youth: Youth) -> dict[str, Any]:
    """Every section of the extract: (title, [records as (label, text) rows])."""
    covered: set[type[models.Model]] = set()

    protected = youth.location_protected

    def section(title: str, queryset: Any) -> tuple[str, list[list[tuple[str, str]]]]:
        covered.add(queryset.model)
        return str(title), [fields_of(obj, hide_address=protected) for obj in queryset]

    changes = FieldChange.objects.filter(youth=youth).select_related("by")
    if protected:  # a corrected address is an address too (old and new value)
        changes = changes.exclude(field__in=ADDRESS)
    # Who has read the record, printed it, had it in an export or seen the youth named in a
    # list (the staff of the youth's municipality: an event elsewhere naming the youth's id is
    # not a read of this record).
    reads = (
        AuditEvent.objects.filter(
            naming_youth_q(youth.pk),
            municipality_id=youth.municipality_id,
            action__in=[AuditEvent.Action.READ, AuditEvent.Action.EXPORT, AuditEvent.Action.PRINT],
        )
        .order_by("-at")
        .values_list("at", "username", "role", "detail")
    )
    sections = [
        section(_("Vårdnadshavare"), Guardian.objects.filter(youth=youth)),
        section(
            _("KAA-perioder"),
            KaaPeriod.objects.filter(youth=youth).select_related(
                "registration_reason", "deregistration_reason", "created_by", "updated_by"
            ),
        ),
        section(
            _("Sysselsättning"),
            Occupation.objects.filter(youth=youth).select_related(
                "type", "created_by", "updated_by"
            ),
        ),
        section(_("Rättade uppgifter"), changes),
        section(
            _("Coach och team över tid"),
            Assignment.objects.filter(youth=youth).select_related("coach", "team", "assigned_by"),
        ),
        section(
            _("Anteckningar"),
            Note.objects.filter(youth=youth).select_related("author", "corrects"),
        ),
        section(
            _("Tidigare versioner av anteckningar"),
            NoteRevision.objects.filter(note__youth=youth).select_related("note"),
        ),
        section(
            _("Kontaktförsök"),
            ContactAttempt.objects.filter(youth=youth)
            .select_related("staff", "task")
            .order_by("at"),
        ),
        section(
            _("Uppsökande enligt kontaktrutinen"),
            OutreachCase.objects.filter(youth=youth).select_related("routine", "period"),
        ),
        section(
            _("Hembesök"),
            HomeVisit.objects.filter(youth=youth).select_related(
                "staff", "second_staff", "created_by", "task"
            ),
        ),
        section(
            _("Skickade sms och e-post"),
            OutgoingMessage.objects.filter(youth=youth).select_related("task", "created_by"),
        ),
        section(
            _("Uppgifter"),
            Task.objects.filter(youth=youth)
            .select_related("done_by", "step", "case")
            .order_by("due_date", "id"),
        ),
        section(
            _("Svar via e-tjänsten"),
            EserviceSubmission.objects.filter(youth=youth).select_related(
                "access_code", "attempt", "occupation", "reviewed_by"
            ),
        ),
        section(
            _("Återkontroller efter KAA"),
            OutcomeRecheck.objects.filter(youth=youth).select_related(
                "period", "destination_type", "now_type", "answered_by"
            ),
        ),
        section(
            _("Koder till e-tjänsten"),
            AccessCode.objects.filter(youth=youth).select_related("period", "revoked_by"),
        ),
        section(
            _("Anmälningar från skolor"),
            SchoolNotification.objects.filter(youth=youth).select_related(
                "municipality", "handled_by"
            ),
        ),
        section(
            _("Kartläggningssamtal"),
            MappingConversation.objects.filter(youth=youth).select_related(
                "conducted_by", "period", "created_by", "updated_by"
            ),
        ),
        section(
            _("Samtycken"),
            Consent.objects.filter(youth=youth).select_related(
                "guardian", "period", "created_by", "updated_by"
            ),
        ),
        section(
            _("Handlingsplaner"),
            ActionPlan.objects.filter(youth=youth).select_related(
                "case_worker", "period", "consent", "created_by", "updated_by"
            ),
        ),
        section(
            _("Insatser"),
            Intervention.objects.filter(plan__youth=youth).select_related(
                "plan", "type", "partner", "responsible_staff"
            ),
        ),
        section(
            _("Tidigare versioner av handlingsplaner"),
            PlanRevision.objects.filter(plan__youth=youth)
            .select_related("plan", "by")
            .order_by("plan_id", "number"),
        ),
        section(
            _("Uppföljningar av planer"),
            PlanFollowUp.objects.filter(plan__youth=youth).select_related(
                "plan", "intervention", "by"
            ),
        ),
        section(
            _("Avslutande samtal"),
            ClosingConversation.objects.filter(plan__youth=youth).select_related(
                "plan", "by", "destination", "handed_over_to"
            ),
        ),
        section(
            _("Nätverksmöten där ungdomen togs upp"),
            MeetingYouth.objects.filter(youth=youth).select_related("meeting", "consent"),
        ),
        section(
            _("Överlämningar med samtycke"),
            HandOver.objects.filter(youth=youth).select_related(
                "consent", "partner", "plan", "handed_by", "created_by", "updated_by"
            ),
        ),
        section(
            _("Begäranden enligt dataskyddsförordningen"),
            DataRequest.objects.filter(youth=youth).select_related("handled_by"),
        ),
        section(
            _("Händelser (tidslinje)"),
            TimelineEntry.objects.filter(youth=youth).select_related("actor"),
        ),
        section(
            _("Förslag från identifieringen i folkbokförings- och skolregistren"),
            Proposal.objects.filter(youth=youth)
            .select_related("run", "decided_by")
            .order_by("run__started_at", "id"),
        ),
    ]
    return {
        "youth": youth,
        "youth_rows": fields_of(youth, hide_address=protected),
        "address_withheld": protected,
        "generated_at": timezone.localtime(),
        "sections": sections,
        "covered_models": covered,
        "reads": reads_by_day(reads),
    }


def reads_by_day(events: Any) -> list[dict[str, Any]]:
    """One row per person and day (newest first): how many times, between which times and
    through which pages. Every single event stays in the audit log; a youth read thousands of
    times still gets an extract of readable length, made in time."""
    rows: dict[tuple[Any, str, str], dict[str, Any]] = {}
    for at, username, role, detail in events.iterator(chunk_size=2000):
        at = timezone.localtime(at)
        row = rows.setdefault(
            (at.date(), username or "–", role),
            {
                "day": at.date(),
                "who": username or "–",
                "role": role,
                "n": 0,
                "first": at,
                "last": at,
                "details": set(),
            },
        )
        row["n"] += 1
        row["first"], row["last"] = min(row["first"], at), max(row["last"], at)
        if detail:
            row["details"].add(detail)
    return [{**row, "details": ", ".join(sorted(row["details"]))} for row in rows.values()]


# --- Built by a worker (a long history takes long to render: never in the web request) ----

EXTRACT_KEEP_DAYS = 30  # the PDF is downloadable this long, then deleted (the row stays)


def extract_order(*, youth: Youth, actor: Any, received_on: dt.date, key: str | None) -> Any:
    """Record the request and ask a worker for the PDF; the same page's key twice (a double
    click) orders one extract."""
    from django.db import transaction

    from kaa import outbox
    from kaa.lib.idempotent import AlreadyDone, once
    from records.register_extract.models import RegisterExtract
    from youth.data_protection import services as youth_services

    def create() -> RegisterExtract:
        request = youth_services.extract_recorded(
            youth=youth, actor=actor, received_on=received_on
        )
        extract = RegisterExtract.objects.create(
            youth=youth, data_request=request, requested_by=actor, request_key=key
        )
        outbox.enqueue("records.register_extract.tasks.register_extract_build", extract.pk)
        return extract

    with transaction.atomic():
        try:
            return once(RegisterExtract, key, create)
        except AlreadyDone as done:
            return done.existing


def extract_build(pk: int) -> str:
    """Render and store one ordered extract; delivered twice, it is built once. A history too
    long to render within the task's time limit fails cleanly with "för stort"."""
    from celery.exceptions import SoftTimeLimitExceeded
    from django.core.files.base import ContentFile

    from kaa.lib.pdf import pdf_render
    from records.register_extract.models import RegisterExtract

    extract = RegisterExtract.objects.select_related("youth", "youth__municipality").get(pk=pk)
    if extract.built_at is not None or extract.failed_at is not None:
        return "already handled"
    try:
        pdf = pdf_render("pdf/register_extract.html", extract_context(extract.youth))
    except SoftTimeLimitExceeded:
        RegisterExtract.objects.filter(pk=pk).update(
            failed_at=timezone.now(), error=str(_("för stort: tog för lång tid att ta fram"))
        )
        return "too large"
    name = f"registerutdrag-{extract.youth_id}-{extract.pk}.pdf"
    extract.file.save(name, ContentFile(pdf), save=False)
    RegisterExtract.objects.filter(pk=pk, built_at__isnull=True).update(
        file=extract.file.name, built_at=timezone.now()
    )
    return f"built {len(pdf)} bytes"


def extracts_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the PDFs older than EXTRACT_KEEP_DAYS (copies of a whole record); the rows stay.
    The files go once the change is committed."""
    from django.db import transaction

    from records.files.services import delete_on_commit
    from records.register_extract.models import RegisterExtract

    now = now or timezone.now()
    old = RegisterExtract.objects.filter(
        built_at__lt=now - dt.timedelta(days=EXTRACT_KEEP_DAYS)
    ).exclude(file="")
    with transaction.atomic():
        delete_on_commit(list(old.values_list("file", flat=True)))
        return old.update(file="", file_deleted_at=now)
