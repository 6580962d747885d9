"""The register extract (registerutdrag, GDPR art. 15): everything stored about one youth,
across the register, the outreach and the plans, and who has read the record.

It lives in records because it reads every app below it. For a youth with protected
identity, or with a guardian who has it, the address is withheld from the document (a copy
sent by post must not reveal it), and only coordinators produce extracts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kaa.audit import naming_youth_q
from kaa.audit_labels import place, staff_name
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
    UkaaOffer,
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
from youth.reference import DEREGISTRATION, REGISTRATION

# Reason codes an identification proposal carries, as the shipped lists name them.
REASON_NAMES = {code: label for code, label, *_rest in [*DEREGISTRATION, *REGISTRATION]}

# Never printed: keys, internal counters, derived search keys, secrets, and the machinery of
# sending and matching (claims, provider ids, fingerprints, failed-login counters).
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
    "access_code",
    "attempt",
    "attempts",
    "case",
    "claimed_by",
    "claimed_until",
    "evidence_hash",
    "external_id",
    "failed_attempts",
    "field",  # FieldChange: `label` names the field in words
    "locked_until",
    "run",
    "step",
    "task",
    "last_error",
}
# Codes of one model that its other fields say in words (a timeline entry's summary).
SKIP_OF = {
    "youth.TimelineEntry": {"kind"},
    # Sending bookkeeping of a home visit's alarm (which messages went out), not about the youth.
    "outreach.HomeVisit": {"deliveries"},
    # Internal ids of the interventions a UKAA plan carries over (the plan section lists them).
    "plans.UkaaOffer": {"intervention_ids"},
}
ADDRESS = {"address", "postal_code", "city"}

# Swedish names of the fields whose model gives none (the extract is a letter to a citizen:
# never "Created by"). A field neither named by its model, nor here, nor in SKIP fails
# tests/records/test_register_extract.py.
LABELS = {
    "acknowledged_at": _lazy("Larmet kvitterat"),
    "acknowledged_by": _lazy("Larmet kvitterat av"),
    "actor": _lazy("Gjort av"),
    "alert_sent_at": _lazy("Larm skickat"),
    "answered_at": _lazy("Besvarad"),
    "answered_by": _lazy("Besvarad av"),
    "answered_via": _lazy("Besvarad via"),
    "archived_by": _lazy("Arkiverad av"),
    "assigned_by": _lazy("Tilldelad av"),
    "at": _lazy("Tidpunkt"),
    "author": _lazy("Skriven av"),
    "body": _lazy("Meddelande"),
    "by": _lazy("Av"),
    "cancel_reason": _lazy("Skäl till att uppgiften ställdes in"),
    "cancelled_at": _lazy("Inställt"),
    "changes": _lazy("Vad som ändrats"),
    "channel": _lazy("Kanal"),
    "checked_in_at": _lazy("Incheckad"),
    "checked_in_by": _lazy("Incheckad av"),
    "checked_out_at": _lazy("Utcheckad"),
    "checked_out_by": _lazy("Utcheckad av"),
    "closed_on": _lazy("Avslutat"),
    "coach": _lazy("Coach"),
    "consent": _lazy("Samtycke"),
    "created_at": _lazy("Skapad"),
    "created_by": _lazy("Registrerad av"),
    "decided_at": _lazy("Beslutad"),
    "decided_by": _lazy("Beslutad av"),
    "destination": _lazy("Gick vidare till"),
    "done_at": _lazy("Utförd"),
    "done_by": _lazy("Utförd av"),
    "due_date": _lazy("Senast"),
    "edited_at": _lazy("Ändrad"),
    "effective_on": _lazy("Gäller från"),
    "end_kind": _lazy("Hur samtycket upphörde"),
    "ended_at": _lazy("Slutade"),
    "ended_by": _lazy("Avslutat av"),
    "escalated_at": _lazy("Larmet eskalerat"),
    "evidence": _lazy("Underlag"),
    "first_name": _lazy("Förnamn"),
    "guardian_copy": _lazy("Kopia till vårdnadshavare"),
    "handled_at": _lazy("Hanterad"),
    "handled_by": _lazy("Hanterad av"),
    "intervention": _lazy("Insats"),
    "kind": _lazy("Slag"),
    "label": _lazy("Uppgift"),
    "last_name": _lazy("Efternamn"),
    "last_used_at": _lazy("Senast använd"),
    "led_to_contact": _lazy("Ledde till kontakt"),
    "meeting": _lazy("Möte"),
    "municipality": _lazy("Kommun"),
    "new": _lazy("Nytt värde"),
    "note": _lazy("Anteckning"),
    "number": _lazy("Version"),
    "occupation": _lazy("Sysselsättning"),
    "old": _lazy("Tidigare värde"),
    "outcome": _lazy("Utfall"),
    "outcome_at": _lazy("Utfall registrerat"),
    "paper_received_by": _lazy("Pappersblankett mottagen av"),
    "period": _lazy("KAA-period"),
    "personnummer": _lazy("Personnummer"),
    "plan": _lazy("Handlingsplan"),
    "reached_on": _lazy("Nådd"),
    "receipt_sent_at": _lazy("Kvitto skickat"),
    "received_at": _lazy("Mottagen"),
    "recheck_on": _lazy("Fristerna ses över igen"),
    "recipient": _lazy("Mottagare"),
    "rejection": _lazy("Skäl till avslag"),
    "rejection_note": _lazy("Kommentar till avslaget"),
    "replaced_at": _lazy("Ersatt"),
    "retry_on": _lazy("Nytt försök"),
    "reviewed_at": _lazy("Genomgånget"),
    "reviewed_by": _lazy("Genomgånget av"),
    "revoked_at": _lazy("Spärrad"),
    "revoked_by": _lazy("Spärrad av"),
    "routine": _lazy("Kontaktrutin"),
    "sent_at": _lazy("Skickat"),
    "snapshot": _lazy("Innehåll"),
    "started_at": _lazy("Började"),
    "started_on": _lazy("Påbörjat"),
    "status": _lazy("Status"),
    "subject": _lazy("Ämne"),
    "submitted_at": _lazy("Skickat"),
    "summary": _lazy("Sammanfattning"),
    "team": _lazy("Team"),
    "text": _lazy("Text"),
    "title": _lazy("Uppgift"),
    "to_guardian": _lazy("Till vårdnadshavare"),
    "two_staff": _lazy("Två personal"),
    "updated_at": _lazy("Ändrad"),
    "updated_by": _lazy("Ändrad av"),
}

# What an identification proposal says changed, in words.
PROPOSAL_CHANGES = {
    "IDENTITY": _lazy("namn eller personnummer"),
    "PROTECTED_SET": _lazy("skyddade personuppgifter har tillkommit"),
    "PROTECTED_LIFTED": _lazy("skyddade personuppgifter har upphört"),
    "ADDRESS": _lazy("adress"),
    "GUARDIAN": _lazy("vårdnadshavare"),
}


def label_of(field: models.Field) -> str:
    """The field's Swedish name: the model's own, else LABELS (empty: none known)."""
    named = str(field.verbose_name)
    if named != field.name.replace("_", " "):
        return named[:1].upper() + named[1:]  # "KAA-period", never "Kaa-period"
    return str(LABELS.get(field.name, ""))


def _staff(user: Any) -> str:
    """Staff by name and role ("Omar Ali, ungdomscoach"), never the username alone."""
    return staff_name(user.first_name, user.last_name, user.get_username(), user.role)


def _snapshot_text(value: dict[str, Any]) -> str:
    """An earlier version of a plan: each field under its Swedish name."""
    from plans.models import ActionPlan, Intervention

    def named(model: type[models.Model], values: dict[str, Any]) -> str:
        parts = []
        for key, text in values.items():
            if key == "id" or text in (None, "", [], {}):
                continue
            try:
                field = model._meta.get_field(key)
                name = (label_of(field) if isinstance(field, models.Field) else "") or key
            except FieldDoesNotExist:
                name = key
            parts.append(f"{name}: {text}")
        return "; ".join(parts)

    out = [named(ActionPlan, value.get("plan") or {})]
    for number, intervention in enumerate(value.get("interventions") or [], start=1):
        out.append(
            _("Insats %(n)s: %(text)s") % {"n": number, "text": named(Intervention, intervention)}
        )
    return "\n".join(part for part in out if part)


# Fields whose stored form is a code or a document: how each reads in words.
_BY_NAME: dict[str, Any] = {
    "personnummer": lambda obj, v: f"{v[:8]}-{v[8:]}" if len(str(v)) == 12 else str(v),
    "changes": lambda obj, v: (
        ", ".join(str(PROPOSAL_CHANGES.get(c, c)) for c in v) if isinstance(v, list) else str(v)
    ),
    "reason": lambda obj, v: str(REASON_NAMES.get(v, v)) if isinstance(obj, Proposal) else str(v),
    "snapshot": lambda obj, v: _snapshot_text(v) if isinstance(v, dict) else str(v),
}


def _value(obj: models.Model, field: models.Field) -> str:
    value = getattr(obj, field.name)
    if value in (None, "", [], {}):
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
        return _staff(value)
    if field.name in _BY_NAME:
        return _BY_NAME[field.name](obj, value)
    if isinstance(value, dict):  # other stored documents (the identification's evidence)
        return "; ".join(
            f"{str(LABELS.get(key, key.replace('_', ' ')))}: {text}"
            for key, text in value.items()
            if text not in (None, "", [], {})
        )
    return str(value)


def fields_of(obj: models.Model, *, hide_address: bool = False) -> list[tuple[str, str]]:
    """Every stored field of a record with a value, as (label, text): nothing left out by a
    hand-made list, so a field added later is in the extract too. Address fields are left out
    for a record with protected identity, and for every record of a youth with one."""
    hide_address = hide_address or bool(getattr(obj, "protected_identity", False))
    rows = []
    skip = SKIP | SKIP_OF.get(obj._meta.label, set())
    for field in obj._meta.concrete_fields:
        if field.name in skip or (hide_address and field.name in ADDRESS):
            continue
        text = _value(obj, field)
        if text:
            rows.append((label_of(field) or field.name, text))
    return rows


def extract_context(youth: Youth, *, requested_by: Any = None) -> dict[str, Any]:
    """Every section of the extract: (title, [records as (label, text) rows]); the cover
    page names who made it and whom to ask (`requested_by`, and the youth's coach)."""
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
        .values_list(
            "at", "username", "user__first_name", "user__last_name", "role", "action", "detail"
        )
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
            _("Utökat aktivitetsansvar efter 20 år"),
            UkaaOffer.objects.filter(youth=youth).select_related(
                "kaa_period", "plan", "decided_by", "ukaa_period", "continued_plan"
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
    contacts: list[dict[str, Any]] = []
    for user in (requested_by, youth.coach):
        if user is not None and user.pk not in {c["pk"] for c in contacts}:
            contacts.append({"pk": user.pk, "name": _staff(user), "email": user.email})
    return {
        "youth": youth,
        "contacts": contacts,
        "youth_rows": fields_of(youth, hide_address=protected),
        "address_withheld": protected,
        "generated_at": timezone.localtime(),
        "sections": sections,
        "present": [title for title, records in sections if records],
        "absent": [title for title, records in sections if not records],
        "covered_models": covered,
        "reads": reads_by_day(reads),
    }


ACTION_WORDS = {
    AuditEvent.Action.READ: _lazy("läste"),
    AuditEvent.Action.PRINT: _lazy("skrev ut"),
    AuditEvent.Action.EXPORT: _lazy("tog ut i en fil"),
}


def reads_by_day(events: Any) -> list[dict[str, Any]]:
    """One row per person and day (newest first): who by name and role, how many times,
    between which times and where (in words: "arbetskön", never the code). Every single
    event stays in the audit log; a youth read thousands of times still gets an extract of
    readable length, made in time."""
    rows: dict[tuple[Any, str, str], dict[str, Any]] = {}
    for at, username, first, last, role, action, detail in events.iterator(chunk_size=2000):
        at = timezone.localtime(at)
        row = rows.setdefault(
            (at.date(), username or "–", role),
            {
                "day": at.date(),
                "who": staff_name(first or "", last or "", username or "", role),
                "username": username or "",
                "role": role,
                "n": 0,
                "first": at,
                "last": at,
                "details": set(),
            },
        )
        row["n"] += 1
        row["first"], row["last"] = min(row["first"], at), max(row["last"], at)
        words = str(ACTION_WORDS.get(action, ACTION_WORDS[AuditEvent.Action.READ]))
        row["details"].add(f"{words} {place(detail)}")
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

    extract = RegisterExtract.objects.select_related(
        "youth", "youth__municipality", "youth__coach", "requested_by", "data_request"
    ).get(pk=pk)
    if extract.built_at is not None or extract.failed_at is not None:
        return "already handled"
    try:
        # A letter to a citizen in Swedish, whatever language the worker last spoke.
        with translation.override("sv"):
            context = extract_context(extract.youth, requested_by=extract.requested_by)
            context["received_on"] = extract.data_request.received_on
            pdf = pdf_render("pdf/register_extract.html", context)
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
