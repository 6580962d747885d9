"""Gallring: how long each kind of record is kept, what is due, and carrying out an approved
gallring.

Swedish public records are kept unless a gallringsbeslut allows deleting them, so nothing is
deleted without a policy: the municipality sets one per record type (from its
dokumenthanteringsplan), a weekly job proposes what is due, a coordinator approves, and then:

- records whose content is all personal (notes, messages, e-service answers, consents with
  the hand-overs that relied on them, letter batches, audit events) are deleted;
- records the statistics count (the youth, periods, occupations, contact attempts, tasks,
  plans, interventions) are anonymised: identity and free text are removed, the dates, codes
  and types the dashboards, board reports and SCB summaries count are kept, so every
  statistic is the same before and after;
- archived SCB files lose their content (personnummer); the row with its counts and checksum
  stays as the record that the report was made.

Nothing of a youth still in KAA (an open period or an open plan) is ever due, nor a record
whose processing is restricted. The run itself is logged with counts only.

It reaches the records of youth, outreach and plans directly. The archived SCB files belong to
reporting, which this app does not import: reporting registers them (`register`) when it is
ready, with what of them is due and how they are emptied.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, overload

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.access import is_second_person
from kaa.audit import AUDIT_MINIMUM_MONTHS, Action, audit_event, audit_purge, audit_purgeable
from kaa.lib.days import day_start, months_before
from kaa.models import Municipality, User
from outreach.models import (
    AccessCode,
    ContactAttempt,
    EserviceSubmission,
    HomeVisit,
    LetterBatch,
    OutcomeRecheck,
    OutgoingMessage,
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
    NetworkMeeting,
    PlanFollowUp,
    PlanRevision,
    SchoolNotification,
    UkaaOffer,
)
from records.files.services import delete_on_commit
from records.register_extract.models import RegisterExtract
from records.retention.models import RecordType, RetentionPolicy, RetentionRun
from youth.models import (
    Assignment,
    DataRequest,
    FieldChange,
    Guardian,
    ImportBatch,
    KaaPeriod,
    Note,
    Occupation,
    Proposal,
    TimelineEntry,
    Youth,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """What a record type covers, from when its time runs, and the shortest time KAA itself
    needs the records for: a shorter policy is saved only with a warning acknowledged, or, if
    the minimum is not `overridable`, never."""

    record_type: RecordType
    anchor: Any
    minimum_months: int
    minimum_reason: Any
    overridable: bool = True
    note: Any = ""


RULES = {
    RecordType.YOUTH: Rule(
        RecordType.YOUTH,
        _("efter att ungdomens sista KAA-period avslutades"),
        12,
        _(
            "Halvårsrapporterna till SCB och rättelser av dem bygger på registerposten; de två "
            "rapporterna efter att perioden slutat ska hinna lämnas."
        ),
    ),
    RecordType.CONTACTS: Rule(
        RecordType.CONTACTS,
        _("efter kontakten"),
        12,
        _("Kontaktförsöken redovisas till SCB (datum för kontakt) och i årsuppföljningen."),
    ),
    RecordType.NOTES: Rule(
        RecordType.NOTES,
        _("efter att anteckningen skrevs"),
        12,
        _("Anteckningarna dokumenterar kommunens insatser enligt förordningen (2006:39)."),
    ),
    RecordType.PLANS: Rule(
        RecordType.PLANS,
        _("efter att planen avslutades eller samtalet hölls"),
        12,
        _("Insatserna redovisas till SCB för det halvår de pågick."),
    ),
    RecordType.CONSENTS: Rule(
        RecordType.CONSENTS,
        _("efter att samtycket upphörde eller ärendet avslutades"),
        12,
        _(
            "Samtycket är stödet för de uppgifter som lämnats ut; det ska finnas så länge "
            "utlämnandet kan ifrågasättas."
        ),
    ),
    RecordType.EXPORTS: Rule(
        RecordType.EXPORTS,
        _("efter att filen skapades"),
        12,
        _("Nästa SCB-fil jämförs med den senast inskickade, och SCB kan begära rättelse."),
    ),
    # The log is the evidence of every other record's handling: no municipality's decision
    # makes it shorter (kaa.audit states its minimums, longer ones for security events).
    RecordType.AUDIT: Rule(
        RecordType.AUDIT,
        _("efter händelsen"),
        AUDIT_MINIMUM_MONTHS,
        _(
            "Loggen behövs för loggkontroll och för registerutdrag (vem som har läst "
            "uppgifterna) så länge uppgifterna finns."
        ),
        overridable=False,
        note=_(
            "Nekade åtkomster, misslyckade inloggningar, spärrade konton, exporter och "
            "loggens egna händelser om gallring sparas alltid minst 60 månader."
        ),
    ),
}


@overload
def months_in_force(record_type: str, months: int) -> int: ...
@overload
def months_in_force(record_type: str, months: None) -> None: ...
def months_in_force(record_type: str, months: int | None) -> int | None:
    """The months a policy is applied with: never below a minimum that no decision overrides
    (a rule stored before that minimum was enforced is applied as the minimum)."""
    rule = RULES[RecordType(record_type)]
    if months is None or rule.overridable:
        return months
    return max(months, rule.minimum_months)


# --- What is due ------------------------------------------------------------------------


def _in_kaa(youth_ref: str) -> Q:
    """True while the youth is worked with: an open period or an open plan."""
    return Q(
        Exists(KaaPeriod.objects.filter(youth_id=OuterRef(youth_ref), end_date__isnull=True))
    ) | Q(Exists(ActionPlan.objects.filter(youth_id=OuterRef(youth_ref), closed_on__isnull=True)))


def _per_youth(model: type[models.Model], municipality_id: int, path: str = "youth") -> Any:
    """Records of the municipality's youths who are no longer in KAA, not restricted and not
    already gallrade."""
    return model._default_manager.filter(
        **{
            f"{path}__municipality_id": municipality_id,
            f"{path}__restricted_at__isnull": True,
            f"{path}__anonymised_at__isnull": True,
        }
    ).exclude(_in_kaa(f"{path}_id"))


def _kept_youths(municipality_id: int) -> Any:
    """The municipality's youths whose records no gallring touches: still in KAA, or with
    restricted processing."""
    return Youth.objects.filter(municipality_id=municipality_id).filter(
        Q(restricted_at__isnull=False) | _in_kaa("pk")
    )


def _text_left(model: type[models.Model], fields: tuple[str, ...]) -> Q:
    """Some of the free-text fields still hold text (not yet anonymised)."""
    q = Q()
    for name in fields:
        q |= ~Q(**{name: ""})
    return q


# Free text removed when a record is anonymised; everything else (dates, codes, types, who on
# the staff did it) is what the statistics count and stays.
SCRUB: dict[type[models.Model], tuple[str, ...]] = {
    ContactAttempt: ("note",),
    # Titles name the routine's step (the deadline statistics group by them), refs and links
    # are keys: only a reason typed by staff is free text.
    Task: ("cancel_reason",),
    Occupation: ("description", "archive_reason"),
    # What a re-check found stays for the statistics; where the youth went is free text.
    OutcomeRecheck: ("now_description",),
    KaaPeriod: ("archive_reason",),
    ActionPlan: ("school", "school_contact", "goal", "close_reason", "archive_reason"),
    Intervention: ("purpose", "declined_reason", "result"),
    ClosingConversation: ("destination_detail", "comment"),
    NetworkMeeting: ("agenda",),
    MappingConversation: (
        "contact_person",
        "school_name",
        "programme",
        "why_not_in_school",
        "what_would_have_helped",
        "occupation_description",
        "future_thoughts",
        "needs",
        "archive_reason",
    ),
}


def _latest(queryset: Any, field: str, youth_ref: str = "pk") -> Any:
    """The latest `field` among the youth's rows of `queryset`, as a subquery; `youth_ref`
    names the outer query's youth id."""
    return Subquery(
        queryset.filter(youth_id=OuterRef(youth_ref))
        .order_by()
        .values("youth_id")
        .annotate(last=Max(field))
        .values("last")[:1]
    )


def _youth_anchor() -> Any:
    """The day the youth's case last had anything happen: the last period's end, the last
    plan closed, the last contact or note, or else the day the record was made."""
    return Greatest(
        TruncDate("created_at"),
        Coalesce(_latest(KaaPeriod.objects, "end_date"), TruncDate("created_at")),
        Coalesce(_latest(ActionPlan.objects, "closed_on"), TruncDate("created_at")),
        Coalesce(TruncDate(_latest(ContactAttempt.objects, "at")), TruncDate("created_at")),
        Coalesce(TruncDate(_latest(Note.objects, "created_at")), TruncDate("created_at")),
    )


def _youths_due(municipality_id: int, cutoff: dt.date) -> dict[str, Any]:
    youths = (
        Youth.objects.filter(
            municipality_id=municipality_id, restricted_at__isnull=True, anonymised_at__isnull=True
        )
        .exclude(_in_kaa("pk"))
        .annotate(anchor=_youth_anchor())
        .filter(anchor__lt=cutoff)
    )
    return {"youth.Youth": youths}


def _contacts_due(municipality_id: int, cutoff: dt.date) -> dict[str, Any]:
    return {
        "outreach.ContactAttempt": _per_youth(ContactAttempt, municipality_id)
        .filter(at__date__lt=cutoff)
        .exclude(note=""),
        "outreach.OutgoingMessage": _per_youth(OutgoingMessage, municipality_id).filter(
            created_at__date__lt=cutoff
        ),
        "outreach.EserviceSubmission": _per_youth(EserviceSubmission, municipality_id).filter(
            submitted_at__date__lt=cutoff
        ),
        # Where and when staff visited, and what they found: the contacts it made stay.
        "outreach.HomeVisit": _per_youth(HomeVisit, municipality_id).filter(
            ends_at__date__lt=cutoff
        ),
        # A notice not linked to a record still names the pupil: matched by personnummer.
        "plans.SchoolNotification": SchoolNotification.objects.filter(
            municipality_id=municipality_id, received_at__date__lt=cutoff
        )
        .exclude(status=SchoolNotification.Status.NEW)
        .exclude(youth_id__in=_kept_youths(municipality_id).values("pk"))
        .exclude(personnummer__in=_kept_youths(municipality_id).values("personnummer")),
    }


def _notes_due(municipality_id: int, cutoff: dt.date) -> dict[str, Any]:
    return {
        "youth.Note": _per_youth(Note, municipality_id).filter(created_at__date__lt=cutoff),
        # The agenda can speak of every youth discussed: kept while one of them is.
        "plans.NetworkMeeting": NetworkMeeting.objects.filter(
            municipality_id=municipality_id, held_on__lt=cutoff
        )
        .exclude(agenda="")
        .exclude(
            Exists(
                MeetingYouth.objects.filter(
                    meeting_id=OuterRef("pk"),
                    youth_id__in=_kept_youths(municipality_id).values("pk"),
                )
            )
        ),
    }


def _plans_due(municipality_id: int, cutoff: dt.date) -> dict[str, Any]:
    return {
        "plans.ActionPlan": _per_youth(ActionPlan, municipality_id)
        .filter(closed_on__lt=cutoff)
        .filter(_text_left(ActionPlan, SCRUB[ActionPlan])),
        "plans.MappingConversation": _per_youth(MappingConversation, municipality_id)
        .filter(held_on__lt=cutoff)
        .filter(_text_left(MappingConversation, SCRUB[MappingConversation])),
    }


def _consents_due(municipality_id: int, cutoff: dt.date) -> dict[str, Any]:
    last_end = _latest(KaaPeriod.objects, "end_date", "youth_id")
    return {
        "plans.Consent": _per_youth(Consent, municipality_id)
        .annotate(case_end=Coalesce("ended_on", last_end, "given_on"))
        .filter(case_end__lt=cutoff)
    }


def _exports_due(municipality_id: int, cutoff: dt.date) -> dict[str, Any]:
    return {
        **_registered_due(RecordType.EXPORTS, municipality_id, cutoff),
        "outreach.LetterBatch": LetterBatch.objects.filter(
            municipality_id=municipality_id, created_at__date__lt=cutoff
        ),
        "youth.ImportBatch": ImportBatch.objects.filter(
            municipality_id=municipality_id, uploaded_at__date__lt=cutoff
        ).exclude(content=b"", rows__isnull=True),
    }


def _audit_due(municipality_id: int, cutoff: dt.date) -> dict[str, Any]:
    return {
        "kaa.AuditEvent": audit_purgeable(
            municipality_id=municipality_id,
            before=day_start(cutoff),
            keep_youth_ids=_kept_youths(municipality_id).values_list("pk", flat=True),
        )
    }


# Records of an app above this one, which it registers when it is ready (`register`): record
# type -> model label -> what of them is due for a municipality before a cut-off date.
REGISTERED_DUE: dict[str, dict[str, Callable[[int, dt.date], Any]]] = {}


def register(
    *,
    record_type: str,
    label: str,
    due: Callable[[int, dt.date], Any],
    action: Callable[[Any], int],
) -> None:
    """Let gallring of `record_type` take in an upper app's model `label`: `due` selects what
    is due, `action` carries it out on the selection and returns how many it changed."""
    REGISTERED_DUE.setdefault(record_type, {})[label] = due
    ACTIONS[label] = action


def _registered_due(record_type: str, municipality_id: int, cutoff: dt.date) -> dict[str, Any]:
    return {
        label: due(municipality_id, cutoff)
        for label, due in REGISTERED_DUE.get(record_type, {}).items()
    }


DUE: dict[str, Callable[[int, dt.date], dict[str, Any]]] = {
    RecordType.YOUTH: _youths_due,
    RecordType.CONTACTS: _contacts_due,
    RecordType.NOTES: _notes_due,
    RecordType.PLANS: _plans_due,
    RecordType.CONSENTS: _consents_due,
    RecordType.EXPORTS: _exports_due,
    RecordType.AUDIT: _audit_due,
}
# The audit log can hold millions of rows: a proposal counts them and the run deletes by the
# cut-off date (events are never written with a past time), instead of listing ids.
BY_CUTOFF_ONLY = {RecordType.AUDIT}


# --- Proposing --------------------------------------------------------------------------


def policies_of(municipality: Municipality) -> dict[str, RetentionPolicy]:
    return {p.record_type: p for p in RetentionPolicy.objects.filter(municipality=municipality)}


# Gallring of the register record takes everything about the youth with it, so it waits for
# these to be due under their own policies (never sooner than any of them).
PER_YOUTH = (RecordType.CONTACTS, RecordType.NOTES, RecordType.PLANS, RecordType.CONSENTS)


def youth_blockers(policies: dict[str, Any]) -> list[RecordType]:
    """The per-youth record types that keep the register record from being gallrad: those
    kept (no time) or kept longer than the register record. `policies` maps a type to its
    months (or a RetentionPolicy)."""

    def months(record_type: str) -> int | None:
        value = policies.get(record_type)
        return getattr(value, "months", value)

    youth = months(RecordType.YOUTH)
    if youth is None:
        return []
    return [t for t in PER_YOUTH if (kept := months(t)) is None or kept > youth]


def minimum_refused(rule: Rule) -> str:
    return _(
        "%(label)s ska sparas i minst %(min)s månader. %(why)s En kortare tid kan inte "
        "sparas, inte heller med ett eget gallringsbeslut."
    ) % {"label": rule.record_type.label, "min": rule.minimum_months, "why": rule.minimum_reason}


def policy_save(
    *, municipality: Municipality, record_type: str, months: int | None, decision: str, actor: User
) -> RetentionPolicy:
    rule = RULES[RecordType(record_type)]
    if not rule.overridable and months is not None and months < rule.minimum_months:
        raise ValidationError({"months": minimum_refused(rule)})
    if record_type == RecordType.YOUTH and months is not None:
        current = {key: p.months for key, p in policies_of(municipality).items()}
        blockers = youth_blockers({**current, record_type: months})
        if blockers:
            raise ValidationError(
                {
                    "months": _(
                        "Registerposten tar allt om ungdomen med sig när den gallras. Ange först "
                        "en gallringstid som inte är längre än %(m)s månader för: %(types)s."
                    )
                    % {"m": months, "types": "; ".join(str(t.label).lower() for t in blockers)}
                }
            )
    policy, _created = RetentionPolicy.objects.update_or_create(
        municipality=municipality,
        record_type=record_type,
        defaults={
            "months": months,
            "decision": decision.strip(),
            "below_minimum": months is not None and months < rule.minimum_months,
            "updated_at": timezone.now(),
            "updated_by": actor,
        },
    )
    audit_event(
        action=Action.UPDATE,
        user=actor,
        obj=policy,
        detail=f"gallringsregel:{record_type}:{months if months else 'bevaras'}",
        flagged=policy.below_minimum,
    )
    # An open proposal was made under the old rules: it can no longer be approved.
    RetentionRun.objects.filter(
        municipality=municipality, status=RetentionRun.Status.PROPOSED
    ).update(status=RetentionRun.Status.SUPERSEDED, items={})
    return policy


def propose(
    *, municipality: Municipality, today: dt.date, actor: User | None = None
) -> RetentionRun | None:
    """Everything due under the municipality's policies as one proposal for a coordinator;
    an earlier open proposal is replaced. None if nothing is due. `actor`: the coordinator who
    asked for it (None: the weekly job), who may then not approve it."""
    cutoffs: dict[str, str] = {}
    items: dict[str, dict[str, list[int]]] = {}
    counts: dict[str, int] = {}
    policies = policies_of(municipality)
    for record_type, policy in policies.items():
        if policy.months is None:
            continue
        if record_type == RecordType.YOUTH and youth_blockers(policies):
            continue  # shown on the page: another policy was made longer since
        cutoff = months_before(today, months_in_force(record_type, policy.months))
        parts = DUE[record_type](municipality.pk, cutoff)
        if record_type in BY_CUTOFF_ONLY:
            number = sum(qs.count() for qs in parts.values())
        else:
            found = {
                label: list(qs.order_by("pk").values_list("pk", flat=True))
                for label, qs in parts.items()
            }
            found = {label: ids for label, ids in found.items() if ids}
            number = sum(len(ids) for ids in found.values())
            if found:
                items[record_type] = found
        if number:
            cutoffs[record_type], counts[record_type] = cutoff.isoformat(), number
    with transaction.atomic():
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        RetentionRun.objects.filter(
            municipality=municipality, status=RetentionRun.Status.PROPOSED
        ).update(status=RetentionRun.Status.SUPERSEDED, items={})
        if not counts:
            return None
        return RetentionRun.objects.create(
            municipality=municipality,
            proposed_at=timezone.now(),
            proposed_by=actor,
            cutoffs=cutoffs,
            items=items,
            counts=counts,
        )


def propose_all(*, today: dt.date) -> int:
    """The weekly job: a fresh proposal for every municipality with a policy."""
    made = 0
    for municipality in Municipality.objects.filter(
        pk__in=RetentionPolicy.objects.filter(months__isnull=False).values("municipality_id")
    ):
        made += propose(municipality=municipality, today=today) is not None
    return made


SECOND_PERSON_REQUIRED = _(
    "Förslaget måste godkännas av en annan samordnare än den som tog "
    "fram det eller ändrade gallringsreglerna det bygger på."
)


def run_authors(run: RetentionRun) -> set[int | None]:
    """Who proposed the run and who last set each rule it applies."""
    setters = RetentionPolicy.objects.filter(
        municipality_id=run.municipality_id, record_type__in=list(run.cutoffs)
    )
    return {run.proposed_by_id, *setters.values_list("updated_by_id", flat=True)}


def may_approve(run: RetentionRun, user: User) -> bool:
    """Four eyes: neither the proposer nor whoever set the rules approves a gallring."""
    return is_second_person(user, run_authors(run))


def decide(
    *, run: RetentionRun, actor: User, approve: bool, reason: str = "", request: Any = None
) -> RetentionRun:
    """A coordinator approves (the run is then carried out by a task) or rejects a proposal.
    An approval by the proposer or by whoever set the rules is refused (PermissionDenied) and
    logged as a flagged denial."""
    if approve and not may_approve(run, actor):
        audit_event(
            action=Action.DENIED,
            request=request,
            user=actor,
            obj=run,
            detail="gallring:godkännande av egen regel eller eget förslag",
            flagged=True,
        )
        raise PermissionDenied(SECOND_PERSON_REQUIRED)
    return _decide(run=run, actor=actor, approve=approve, reason=reason)


@transaction.atomic
def _decide(*, run: RetentionRun, actor: User, approve: bool, reason: str) -> RetentionRun:
    run = RetentionRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RetentionRun.Status.PROPOSED:
        raise ValidationError(_("Förslaget är redan behandlat eller ersatt av ett nyare."))
    if approve and not may_approve(run, actor):  # the rules changed hands meanwhile
        raise PermissionDenied(SECOND_PERSON_REQUIRED)
    run.status = RetentionRun.Status.APPROVED if approve else RetentionRun.Status.REJECTED
    run.decided_at, run.decided_by, run.reject_reason = timezone.now(), actor, reason[:300]
    if not approve:
        run.items = {}
    run.save(update_fields=["status", "decided_at", "decided_by", "reject_reason", "items"])
    audit_event(
        action=Action.UPDATE,
        user=actor,
        obj=run,
        detail="gallring:godkänd" if approve else "gallring:avslagen",
    )
    if approve:
        from kaa import outbox

        outbox.enqueue("records.retention.tasks.retention_execute", run.pk)
    return run


# --- Carrying out -----------------------------------------------------------------------


def _scrub(queryset: Any) -> int:
    fields = SCRUB[queryset.model]
    return queryset.filter(_text_left(queryset.model, fields)).update(
        **{name: "" for name in fields}, **_version_bumped(queryset.model)
    )


def _version_bumped(model: type[models.Model]) -> dict[str, Any]:
    """A form opened on the row before the gallring is stale after it (kaa.versioning)."""
    names = {f.name for f in model._meta.concrete_fields}
    return {"version": F("version") + 1} if "version" in names else {}


def _delete_hand_overs(hand_overs: Any) -> int:
    """Hand-overs and their PDFs: the record of a disclosure goes with the consent it relied
    on (it is kept as long as that consent)."""
    delete_on_commit([name for name in hand_overs.values_list("pdf", flat=True) if name])
    return hand_overs.delete()[1].get("plans.HandOver", 0)


def _delete_consents(consents: Any) -> int:
    ids = list(consents.values_list("pk", flat=True))
    _delete_hand_overs(HandOver.objects.filter(consent_id__in=ids))
    delete_on_commit(list(Consent.objects.filter(pk__in=ids).values_list("scan", flat=True)))
    ActionPlan.objects.filter(consent_id__in=ids).update(consent=None)
    MeetingYouth.objects.filter(consent_id__in=ids).delete()
    return Consent.objects.filter(pk__in=ids).delete()[1].get("plans.Consent", 0)


def _delete_notes(notes: Any) -> int:
    ids = list(notes.values_list("pk", flat=True))
    Note.objects.filter(corrects_id__in=ids).exclude(pk__in=ids).update(corrects=None)
    Note.objects.filter(pk__in=ids).update(corrects=None)
    return Note.objects.filter(pk__in=ids).delete()[1].get("youth.Note", 0)


def _anonymise_youths(youths: Any) -> int:
    """Everything about these youths: personal records deleted, the rest anonymised."""
    ids = list(youths.values_list("pk", flat=True))
    if not ids:
        return 0
    _delete_hand_overs(HandOver.objects.filter(youth_id__in=ids))
    _delete_consents(Consent.objects.filter(youth_id__in=ids))
    _delete_notes(Note.objects.filter(youth_id__in=ids))
    MeetingYouth.objects.filter(youth_id__in=ids).delete()
    EserviceSubmission.objects.filter(youth_id__in=ids).delete()
    AccessCode.objects.filter(youth_id__in=ids).delete()
    OutgoingMessage.objects.filter(youth_id__in=ids).delete()
    HomeVisit.objects.filter(youth_id__in=ids).delete()
    SchoolNotification.objects.filter(youth_id__in=ids).delete()
    UkaaOffer.objects.filter(youth_id__in=ids).delete()  # the decision's reason is free text
    _anonymise_plans(ActionPlan.objects.filter(youth_id__in=ids))
    extracts = RegisterExtract.objects.filter(youth_id__in=ids)
    delete_on_commit(list(extracts.values_list("file", flat=True)))
    extracts.delete()  # before their requests (DataRequest)
    # Proposals of the identification carry the person's name and the registers' evidence.
    for model in (Guardian, TimelineEntry, FieldChange, DataRequest, Assignment, Proposal):
        model.objects.filter(youth_id__in=ids).delete()
    # Kept as they are: OutreachCase (dates and the routine only).
    for kept in (
        ContactAttempt,
        Task,
        Occupation,
        KaaPeriod,
        MappingConversation,
        OutcomeRecheck,
    ):
        _scrub(kept.objects.filter(youth_id__in=ids))
    # The personnummer is unique per municipality: a pseudonym from the row's id takes its
    # place; the birth date stays (ages are counted from it).
    return Youth.objects.filter(pk__in=ids).update(
        personnummer=Concat(Value("G"), Cast("id", models.CharField())),
        pnr_short="",
        first_name=str(_("Gallrad")),
        last_name="",
        address="",
        postal_code="",
        city="",
        phone="",
        phone_alt="",
        email="",
        former_school="",
        protected_identity=False,
        archive_reason="",
        restriction_reason="",
        anonymised_at=timezone.now(),
        **_version_bumped(Youth),
    )


def _anonymise_plans(plans: Any) -> int:
    """Closed plans: their text, their interventions' and closing conversation's text, and
    the follow-ups and revisions (snapshots of the text); types and dates stay."""
    ids = list(plans.values_list("pk", flat=True))
    _scrub(Intervention.objects.filter(plan_id__in=ids))
    _scrub(ClosingConversation.objects.filter(plan_id__in=ids))
    PlanFollowUp.objects.filter(plan_id__in=ids).delete()
    PlanRevision.objects.filter(plan_id__in=ids).delete()
    return _scrub(ActionPlan.objects.filter(pk__in=ids))


def _delete_audit(municipality_id: int, cutoff: dt.date) -> int:
    """The log is deleted by municipality and cut-off, never by a list of ids: kaa.audit
    applies the minimums (on PostgreSQL the database itself does)."""
    return audit_purge(
        municipality_id=municipality_id,
        before=day_start(cutoff),
        keep_youth_ids=_kept_youths(municipality_id).values_list("pk", flat=True),
    )


ACTIONS: dict[str, Callable[[Any], int]] = {
    "youth.Youth": _anonymise_youths,
    "outreach.ContactAttempt": _scrub,
    "outreach.OutgoingMessage": lambda qs: qs.delete()[0],
    "outreach.EserviceSubmission": lambda qs: qs.delete()[0],
    "outreach.HomeVisit": lambda qs: qs.delete()[0],
    "plans.SchoolNotification": lambda qs: qs.delete()[0],
    "youth.Note": _delete_notes,
    "plans.ActionPlan": _anonymise_plans,
    "plans.MappingConversation": _scrub,
    "plans.NetworkMeeting": _scrub,
    "plans.Consent": _delete_consents,
    "outreach.LetterBatch": lambda qs: qs.delete()[0],
    "youth.ImportBatch": lambda qs: qs.update(content=b"", rows=None),
}


def execute(run_id: int) -> str:
    """Carry out an approved gallring, once: only what is still due (a youth who came back to
    KAA since the proposal is left alone). The run keeps the counts, not the ids. If it fails,
    nothing is changed and the run is marked failed, flagged in the audit log, for a
    coordinator to make a new proposal."""
    try:
        return _execute(run_id)
    except Exception as exc:
        log.exception("gallring %s failed", run_id)
        with transaction.atomic():
            run = (
                RetentionRun.objects.select_for_update()
                .filter(pk=run_id, status=RetentionRun.Status.APPROVED)
                .first()
            )
            if run is not None:  # the ids go: a new proposal lists what is due then
                run.status, run.error, run.items = (
                    RetentionRun.Status.FAILED,
                    type(exc).__name__,
                    {},
                )
                run.save(update_fields=["status", "error", "items"])
                audit_event(
                    action=Action.UPDATE, obj=run, detail="gallring:misslyckades", flagged=True
                )
        raise


# The register record last: it takes the youth's other records with it, which their own
# steps count first.
EXECUTION_ORDER = [t for t in RULES if t != RecordType.YOUTH] + [RecordType.YOUTH]


def _cutoffs_now(run: RetentionRun) -> dict[str, dt.date]:
    """The proposal's cut-offs, checked against the rules as they are now: a kind of record
    since kept is skipped, one since kept longer uses the earlier date, and the register record
    is skipped if a record it would take with it is now kept longer."""
    policies = policies_of(run.municipality)
    proposed_on = timezone.localdate(run.proposed_at)
    cutoffs: dict[str, dt.date] = {}
    for record_type in EXECUTION_ORDER:
        policy = policies.get(record_type)
        if record_type not in run.cutoffs or policy is None or policy.months is None:
            continue
        if record_type == RecordType.YOUTH and youth_blockers(policies):
            continue
        cutoffs[record_type] = min(
            dt.date.fromisoformat(run.cutoffs[record_type]),
            months_before(proposed_on, months_in_force(record_type, policy.months)),
        )
    return cutoffs


def _execute(run_id: int) -> str:
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RetentionRun.Status.APPROVED:
            return "already handled"
        youth_ids = run.items.get(RecordType.YOUTH, {}).get("youth.Youth", [])
        # Hold the youths still while checking that they are still due.
        list(Youth.objects.select_for_update().filter(pk__in=youth_ids).values_list("pk"))
        result: dict[str, int] = {}
        for record_type, cutoff in _cutoffs_now(run).items():
            parts = DUE[record_type](run.municipality_id, cutoff)
            done = 0
            for label, queryset in parts.items():
                if label == "kaa.AuditEvent":
                    done += _delete_audit(run.municipality_id, cutoff)
                    continue
                if record_type not in BY_CUTOFF_ONLY:
                    queryset = queryset.filter(
                        pk__in=run.items.get(record_type, {}).get(label, [])
                    )
                done += ACTIONS[label](queryset)
            result[record_type] = done
        run.status, run.done_at, run.result, run.items = (
            RetentionRun.Status.DONE,
            timezone.now(),
            result,
            {},
        )
        run.save(update_fields=["status", "done_at", "result", "items"])
        audit_event(
            action=Action.DELETE,
            obj=run,
            detail="gallring "
            + " ".join(f"{key}={value}" for key, value in sorted(result.items())),
        )
    return "done"
