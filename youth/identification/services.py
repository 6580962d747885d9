"""Writes of identification: a run (the rule against the register, stored as proposals) and
a coordinator's decision on a proposal. Approving goes through the register's own services
(periods, reasons, timeline, audit); a rejection is remembered until the evidence changes."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa import outbox
from kaa.audit import audit_event
from kaa.lib.joblock import xact_lock
from kaa.models import AuditEvent, Municipality, User
from youth import personnummer as pnr
from youth.identification import deliveries, diff, rule
from youth.identification.models import (
    Proposal,
    Run,
    Source,
    SourceDelivery,
    SourceKind,
    Ss12000Connection,
)
from youth.identification.sources import ss12000
from youth.register import services as register
from youth.register.models import FieldChange, Guardian, KaaPeriod, Reason, Youth

log = logging.getLogger(__name__)
Action = AuditEvent.Action
Kind = Proposal.Kind
NO_POPULATION = _(
    "Ingen folkbokföring har lästs in för kommunen ännu. Ladda upp Navet-filen "
    "(eller CSV-filen) först."
)
NEEDS_POSTGRESQL = _(
    "Körningen jämför hela folkbokföringen med registret i PostgreSQL, men den "
    "här installationen använder %(vendor)s (som demoläget). De inlästa "
    "filerna är sparade; kör identifieringen i en installation med "
    "PostgreSQL."
)
NOT_OPEN = _("Förslaget är redan avgjort eller ersatt av en senare körning.")
SYSTEM = "system:identifiering"
# Asked for after approving new youths, so that they get the routine's first tasks at once
# (the daily job does the same at night). Named by string: the register does not import the
# apps above it.
ROUTINE_TASKS = "outreach.tasks.deadlines_refresh"
# Seconds before the first retry of a failing SS 12000 request (doubling after each).
PULL_BACKOFF = 5.0


def _audit(actor: User | None, obj: Any, detail: str, action: str = Action.UPDATE) -> None:
    audit_event(
        user=actor, action=action, obj=obj, detail=detail, username="" if actor else SYSTEM
    )


@transaction.atomic
def run_identification(*, municipality: Municipality, on: dt.date, actor: User | None) -> Run:
    """Evaluate the rule for the whole population on `on`, compare with the register and store
    the differences as open proposals (earlier open ones are superseded). A proposal the
    coordinator rejected is not made again until its evidence changes. One run at a time per
    municipality."""
    if db_connection.vendor != "postgresql":  # the comparison is PostgreSQL's SQL
        raise ValidationError(
            NEEDS_POSTGRESQL % {"vendor": db_connection.display_name}, code="needs_postgresql"
        )
    xact_lock("identification.run", municipality.pk)
    if not SourceDelivery.objects.filter(
        source__municipality=municipality, source__kind=SourceKind.POPULATION
    ).exists():
        raise ValidationError(NO_POPULATION, code="no_population")
    in_group, registered_in_group = diff.counts(municipality=municipality, on=on)
    run = Run.objects.create(
        municipality=municipality,
        on=on,
        started_at=timezone.now(),
        started_by=actor,
        in_group=in_group,
        errors=_current_row_errors(municipality),
    )
    Proposal.objects.filter(municipality=municipality, status=Proposal.Status.OPEN).update(
        status=Proposal.Status.SUPERSEDED
    )
    rejected = set(
        Proposal.objects.filter(
            municipality=municipality, status=Proposal.Status.REJECTED
        ).values_list("personnummer", "kind", "evidence_hash")
    )
    counts = dict.fromkeys(Kind.values, 0)
    chunk: list[tuple[diff.Difference, str]] = []
    for difference in diff.compare(municipality=municipality, on=on):
        digest = difference.evidence_hash
        if (difference.personnummer, difference.kind, digest) in rejected:
            continue
        counts[difference.kind] += 1
        chunk.append((difference, digest))
        if len(chunk) >= diff.CHUNK:
            _proposals_copy(run, chunk)
            chunk = []
    _proposals_copy(run, chunk)
    run.new, run.leaving = counts[Kind.NEW], counts[Kind.LEAVING]
    run.changed = counts[Kind.CHANGED]
    run.unchanged = max(registered_in_group - run.changed, 0)
    run.save()
    _audit(actor, run, f"identifiering:{run.summary}", Action.CREATE)
    return run


PROPOSAL_COLUMNS = (
    "run_id",
    "municipality_id",
    "personnummer",
    "kind",
    "reason",
    "changes",
    "youth_id",
    "first_name",
    "last_name",
    "protected",
    "effective_on",
    "evidence",
    "evidence_hash",
    "status",
    "rejection",
    "rejection_note",
)


def _proposals_copy(run: Run, differences: list[tuple[diff.Difference, str]]) -> None:
    """Store a run's proposals (each difference with its evidence hash) with one COPY. A run
    may propose hundreds of thousands (a first run against an empty register): bulk_create
    would send their evidence as literal arrays that the driver escapes character by
    character in Python. The COPY runs between two reads of the comparison's server-side
    cursor, chunk by chunk."""
    if not differences:
        return
    table = Proposal._meta.db_table
    columns = ", ".join(PROPOSAL_COLUMNS)
    with (
        db_connection.cursor() as cursor,
        cursor.connection.cursor() as raw,
        raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for d, digest in differences:
            copy.write_row(
                (
                    run.pk,
                    run.municipality_id,
                    d.personnummer,
                    d.kind,
                    d.reason,
                    json.dumps(d.changes),
                    d.youth_id,
                    d.first_name,
                    d.last_name,
                    d.protected,
                    d.effective_on,
                    json.dumps(d.evidence | {"new_personnummer": d.new_personnummer}),
                    digest,
                    Proposal.Status.OPEN,
                    "",
                    "",
                )
            )


def runs_nightly(*, on: dt.date) -> tuple[int, int]:
    """The scheduled run for each municipality with a population store, unless a scheduled
    run for the same date already saw every delivery (so a second beat changes nothing). One
    municipality's failure is logged and does not stop the others. Returns (runs, failures)."""
    ss12000_pulls(on=on)
    done = failed = 0
    for municipality in Municipality.objects.filter(
        pk__in=Source.objects.filter(kind=SourceKind.POPULATION).values("municipality")
    ).order_by("pk"):
        last_delivery = SourceDelivery.objects.filter(source__municipality=municipality).aggregate(
            last=Max("arrived_at")
        )["last"]
        if Run.objects.filter(
            municipality=municipality,
            on=on,
            started_by__isnull=True,
            started_at__gte=last_delivery,
        ).exists():
            continue
        try:
            run_identification(municipality=municipality, on=on, actor=None)
        except Exception:  # one municipality's fault must not stop the others' runs
            log.exception("identification run failed for municipality %s", municipality.pk)
            failed += 1
        else:
            done += 1
    return done, failed


def ss12000_pulls(*, on: dt.date) -> tuple[int, int]:
    """Pull every enabled SS 12000 connection that has not been pulled successfully on `on`
    yet (a second beat the same night pulls nothing again; a failed one is tried again). A
    connection that fails is recorded on it and shown on the page; the runs then use the
    latest stored snapshot of that source and the other sources. Returns (pulled, failed)."""
    pulled = failed = 0
    for connection in (
        Ss12000Connection.objects.filter(enabled=True)
        .select_related("municipality")
        .order_by("pk")
    ):
        if (
            connection.last_success_at is not None
            and timezone.localdate(connection.last_success_at) >= on
        ):
            continue
        try:
            deliveries.ss12000_pull(connection=connection, backoff=PULL_BACKOFF)
        except ss12000.Ss12000Error as exc:
            log.warning(
                "SS 12000 pull %s (municipality %s) failed: %s",
                connection.pk,
                connection.municipality_id,
                exc,
            )
            failed += 1
        except Exception:  # one connection's fault must not stop the runs
            log.exception("SS 12000 pull %s failed", connection.pk)
            connection.last_attempt_at = timezone.now()
            connection.last_error = _("Hämtningen misslyckades av ett oväntat fel (se loggen).")
            connection.save(update_fields=["last_attempt_at", "last_error"])
            failed += 1
        else:
            pulled += 1
    return pulled, failed


def _current_row_errors(municipality: Municipality) -> int:
    """Row errors of the latest delivery of each of the municipality's sources."""
    latest = (
        SourceDelivery.objects.filter(source__municipality=municipality)
        .values("source")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    return sum(
        SourceDelivery.objects.filter(pk__in=list(latest)).values_list("error_count", flat=True)
    )


def _locked_open(proposal: Proposal) -> Proposal:
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("municipality", "youth")
        .get(pk=proposal.pk)
    )
    if proposal.status != Proposal.Status.OPEN:
        raise ValidationError(NOT_OPEN, code="not_open")
    return proposal


@transaction.atomic
def proposal_approve(*, proposal: Proposal, actor: User | None) -> Youth:
    """Carry the proposal out in the register, as the coordinator would by hand."""
    proposal = _locked_open(proposal)
    if proposal.kind == Kind.NEW:
        youth = _register(proposal, actor)
    elif proposal.kind == Kind.LEAVING:
        youth = _deregister(proposal, actor)
    else:
        youth = _update(proposal, actor)
    proposal.status, proposal.decided_at, proposal.decided_by = (
        Proposal.Status.APPROVED,
        timezone.now(),
        actor,
    )
    proposal.youth = youth
    proposal.save(update_fields=["status", "decided_at", "decided_by", "youth"])
    _audit(actor, proposal, f"godkänd:{proposal.kind}:{proposal.reason}")
    return youth


def _population(proposal: Proposal) -> dict[str, Any]:
    return proposal.evidence.get("population") or {}


def _register(proposal: Proposal, actor: User | None) -> Youth:
    population = _population(proposal)
    details: dict[str, Any] = {"protected_identity": proposal.protected}
    if not proposal.protected:
        details |= {
            "address": population.get("address", ""),
            "postal_code": population.get("postal_code", ""),
            "city": population.get("city", ""),
        }
    reason = Reason.objects.get(kind=Reason.Kind.REGISTRATION, code=proposal.reason)
    youth, _period = register.youth_register(
        municipality=proposal.municipality,
        personnummer=proposal.personnummer,
        first_name=proposal.first_name or "-",
        last_name=proposal.last_name or "-",
        registration_reason=reason,
        start_date=proposal.effective_on,
        actor=actor,
        **details,
    )
    _guardians_add(youth, population, actor)
    register.timeline_add(
        youth=youth,
        kind="identification",
        actor=actor,
        summary=_("Identifierad ur folkbokföring och skolregister: %(reason)s")
        % {"reason": reason.label},
    )
    outbox.enqueue(ROUTINE_TASKS)
    return youth


def _guardians_add(youth: Youth, population: dict[str, Any], actor: User | None) -> None:
    """The population record's guardians not yet registered for the youth (by name), each
    with the source, file and arrival day of the delivery that named them."""
    known = {
        g.lower() for g in Guardian.objects.filter(youth=youth).values_list("name", flat=True)
    }
    origin = _origin(population)
    for name in population.get("guardians", []):
        if name and name.lower() not in known:
            register.guardian_add(youth=youth, actor=actor, name=name[:200], **origin)
            register.timeline_add(
                youth=youth,
                kind="guardian",
                actor=actor,
                summary=_("Vårdnadshavare enligt folkbokföringen (%(source)s, fil %(file)s)")
                % {"source": origin["source"], "file": origin["source_file"] or "–"},
            )
            known.add(name.lower())


def _origin(population: dict[str, Any]) -> dict[str, Any]:
    """Guardian's source fields from the population evidence (see diff._source_fields)."""
    arrived = population.get("arrived")
    received = None
    if arrived:
        try:
            received = timezone.localdate(dt.datetime.fromisoformat(arrived))
        except (TypeError, ValueError):
            received = None
    return {
        "source": (population.get("source") or deliveries.POPULATION_SOURCE)[:100],
        "source_file": (population.get("file") or "")[:200],
        "source_received_on": received,
    }


def _deregister(proposal: Proposal, actor: User | None) -> Youth:
    youth = proposal.youth
    period = KaaPeriod.objects.kaa().filter(youth=youth, end_date__isnull=True).first()
    # A leaving proposal names its youth.
    if youth is None or period is None:
        raise ValidationError(_("Ungdomen har ingen öppen KAA-period längre."), code="closed")
    reason = Reason.objects.get(
        kind=Reason.Kind.DEREGISTRATION, code=rule.LEAVING_REGISTER_REASON[proposal.reason]
    )
    register.period_close(
        period=period,
        end_date=max(period.start_date, proposal.effective_on),
        reason=reason,
        actor=actor,
    )
    return youth


def _update(proposal: Proposal, actor: User | None) -> Youth:
    if proposal.youth_id is None:  # a changed proposal always names its youth
        raise Youth.DoesNotExist("the proposal names no youth")
    youth = Youth.objects.select_for_update().get(pk=proposal.youth_id)
    population = _population(proposal)
    if youth.restricted_at is not None:
        raise ValidationError(_("Behandlingen är begränsad: förslaget kan inte genomföras."))
    if diff.IDENTITY in proposal.changes:
        _identity_change(youth, proposal.evidence.get("new_personnummer", ""), actor)
    if diff.PROTECTED_SET in proposal.changes:
        _protected_set(youth, True, actor)
    if diff.PROTECTED_LIFTED in proposal.changes:
        _protected_set(youth, False, actor)
    if diff.ADDRESS in proposal.changes and not proposal.protected:
        register.youth_contact_update(
            youth=youth,
            actor=actor,
            address=population.get("address", ""),
            postal_code=population.get("postal_code", ""),
            city=population.get("city", ""),
        )
    if diff.GUARDIAN in proposal.changes:
        _guardians_add(youth, population, actor)
    return youth


def _identity_change(youth: Youth, number: str, actor: User | None) -> None:
    """A new personnummer for the same person (Skatteverket's HanvisningsPersonNr)."""
    parsed = pnr.parse(number, today=timezone.localdate())
    if (
        Youth.objects.filter(municipality=youth.municipality_id, personnummer=parsed.number)
        .exclude(pk=youth.pk)
        .exists()
    ):
        raise ValidationError(
            _("Det nya personnumret finns redan i registret. Slå ihop uppgifterna för hand."),
            code="duplicate",
        )
    FieldChange.objects.create(
        youth=youth,
        field="personnummer",
        by=actor,
        label=str(Youth._meta.get_field("personnummer").verbose_name),
        old=youth.personnummer,
        new=parsed.number,
    )
    youth.personnummer, youth.pnr_short = parsed.number, parsed.number[2:]
    youth.birth_date, youth.is_coordination_number = (
        parsed.birth_date,
        parsed.is_coordination_number,
    )
    youth.updated_by = actor
    youth.save(
        update_fields=[
            "personnummer",
            "pnr_short",
            "birth_date",
            "is_coordination_number",
            "updated_by",
            "updated_at",
        ]
    )
    _audit(actor, youth, "personnummer")
    register.timeline_add(
        youth=youth,
        kind="identity",
        actor=actor,
        summary=_("Nytt personnummer enligt folkbokföringen (hänvisning)"),
    )


def _protected_set(youth: Youth, protected: bool, actor: User | None) -> None:
    """Skyddade personuppgifter (skyddad folkbokföring or a sekretessmarkering) set or
    lifted. When set, the address is removed everywhere in the record, and its old value is
    not kept in the correction history either."""
    fields = ["protected_identity"]
    youth.protected_identity = protected
    if protected:
        youth.address, youth.postal_code, youth.city = "", "", ""
        fields += ["address", "postal_code", "city"]
    youth.updated_by = actor
    youth.save(update_fields=[*fields, "updated_by", "updated_at"])
    _audit(actor, youth, ",".join(fields))
    register.timeline_add(
        youth=youth,
        kind="protected",
        actor=actor,
        summary=_("Skyddade personuppgifter enligt folkbokföringen")
        if protected
        else _("Skyddade personuppgifter upphävda enligt folkbokföringen"),
    )


@transaction.atomic
def proposal_reject(
    *, proposal: Proposal, actor: User | None, rejection: str, note: str = ""
) -> Proposal:
    """Not in the target group, or registered in error: the same proposal is not made again
    until the evidence behind it changes."""
    if rejection not in Proposal.Rejection.values:
        raise ValidationError({"rejection": _("Välj varför förslaget avvisas.")})
    proposal = _locked_open(proposal)
    proposal.status, proposal.decided_at, proposal.decided_by = (
        Proposal.Status.REJECTED,
        timezone.now(),
        actor,
    )
    proposal.rejection, proposal.rejection_note = rejection, note.strip()[:300]
    proposal.save(
        update_fields=["status", "decided_at", "decided_by", "rejection", "rejection_note"]
    )
    _audit(actor, proposal, f"avvisad:{rejection}")
    return proposal


def proposals_approve(
    *, municipality: Municipality, ids: list[int], actor: User | None
) -> tuple[int, list[tuple[Proposal, str]]]:
    """Approve many; each in its own transaction, so one refusal does not stop the others.
    Returns how many were approved and the refused ones with the reason."""
    approved, refused = 0, []
    for proposal in Proposal.objects.open().filter(municipality=municipality, pk__in=ids):
        try:
            proposal_approve(proposal=proposal, actor=actor)
        except ValidationError as exc:
            refused.append((proposal, "; ".join(exc.messages)))
        else:
            approved += 1
    return approved, refused


def source_cadence_set(*, source: Source, days: int, actor: User) -> Source:
    source.cadence_days = days
    source.full_clean()
    source.save(update_fields=["cadence_days"])
    _audit(actor, source, "cadence_days")
    return source
