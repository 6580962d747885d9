"""Writes of action plans: plans and interventions (each change a new revision), follow-ups,
closing (with the closing conversation), and closing with the KAA period.

Every write is audited and put on the youth's timeline; the register is told when the
youth's first plan starts or last one ends (`youth.register.services.measure_flag_set`); the plan's
follow-ups are kept as tasks in the coach's work queue (`work_queue.plan_tasks_sync`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit import Action, audit_bulk_change, audit_event
from kaa.lib.bulk import update_grouped
from kaa.lib.modelfields import field_label
from kaa.models import User
from kaa.versioning import version_bump, version_check
from outreach.calendar import add_months, next_business_day_on_or_after
from outreach.queue import planned as outreach_services
from plans.actionplans.models import ActionPlan, ClosingConversation, Intervention, PlanFollowUp
from plans.actionplans.revisions import INTERVENTION_FIELDS, revision_add, revisions_add
from plans.actionplans.work_queue import plan_tasks_sync, plans_tasks_close
from plans.consent.models import Consent
from plans.consent.validity import consent_current
from youth.models import KaaPeriod, Occupation, OccupationType, Youth
from youth.register import services as youth_services


def _today() -> dt.date:
    return timezone.localdate()


def next_month(day: dt.date) -> dt.date:
    """The monthly follow-up: a month later, moved to a business day."""
    return next_business_day_on_or_after(add_months(day, 1))


def _measure_flag_refresh(youth: Youth) -> None:
    active = ActionPlan.objects.filter(youth=youth, status=ActionPlan.Status.ACTIVE).exists()
    if youth.in_measure != active:
        youth_services.measure_flag_set(youth=youth, active=active)


def _plan_url(plan: ActionPlan) -> str:
    return reverse("plans:plan_detail", args=[plan.youth_id, plan.pk])


# --- Plans --------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, youth: Youth, actor: User, kind: str = ActionPlan.Kind.KAA, **fields: Any
) -> ActionPlan:
    """Start an action plan. A consent valid today is required (the law's condition for
    planning with partners); a KAA plan needs an open KAA period."""
    fields.pop("version", None)  # a new plan starts at version 1
    Youth.objects.select_for_update().filter(pk=youth.pk).first()
    today = _today()
    consent = consent_current(youth, today)
    if consent is None:
        raise ValidationError(
            _(
                "Ungdomen har inget giltigt samtycke. Registrera samtycket "
                "först: en plan görs tillsammans med ungdomen och bygger på "
                "samtycke."
            ),
            code="no_consent",
        )
    period = KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).first()
    if kind == ActionPlan.Kind.KAA and period is None:
        raise ValidationError(
            _("Ungdomen är inte i KAA. Gör en förebyggande plan i stället."), code="no_period"
        )
    if kind == ActionPlan.Kind.PREVENTIVE and period is not None:
        raise ValidationError(_("Ungdomen är i KAA: gör en vanlig handlingsplan."), code="in_kaa")
    if ActionPlan.objects.filter(youth=youth, kind=kind, status=ActionPlan.Status.ACTIVE).exists():
        raise ValidationError(
            _("Ungdomen har redan en pågående plan av den typen. Ändra den i stället."),
            code="active_plan",
        )
    _dates_check(fields, today=today)
    plan = ActionPlan(
        youth=youth,
        kind=kind,
        period=period if kind == ActionPlan.Kind.KAA else None,
        consent=consent,
        created_by=actor,
        updated_by=actor,
        **fields,
    )
    plan.full_clean()
    plan.save()
    audit_event(action=Action.CREATE, user=actor, obj=plan)
    revision_add(plan, actor, _("Planen upprättad"))
    youth_services.timeline_add(
        youth=youth,
        kind="plan",
        actor=actor,
        url=_plan_url(plan),
        summary=_("%(kind)s upprättad") % {"kind": plan.get_kind_display()},
    )
    # The "plan within a week" task from outreach is done now.
    outreach_services.planning_task_done(youth=youth, actor=actor)
    _measure_flag_refresh(youth)
    plan_tasks_sync(plan)
    return plan


def _dates_check(
    fields: dict[str, Any], *, today: dt.date, previous: ActionPlan | None = None
) -> None:
    follow_up = fields.get("next_follow_up")
    unchanged = previous is not None and previous.next_follow_up == follow_up
    if follow_up is not None and follow_up < today and not unchanged:
        raise ValidationError(
            {
                "next_follow_up": _(
                    "Uppföljningsdatumet har redan passerat. Välj i dag eller ett senare datum."
                )
            }
        )
    start = fields.get("start_date")
    if start is not None and follow_up is not None and follow_up < start:
        raise ValidationError(
            {"next_follow_up": _("Uppföljningen kan inte ligga före planens startdatum.")}
        )


def _changed_labels(obj: Model, fields: dict[str, Any]) -> list[str]:
    return [
        field_label(obj, name) for name, value in fields.items() if getattr(obj, name) != value
    ]


@transaction.atomic
def plan_update(
    *, plan: ActionPlan, actor: User, version: int | None = None, **fields: Any
) -> ActionPlan:
    """Change the plan's text or dates: a new revision that says what changed. A form opened
    before someone else's save is refused (StaleEdit) instead of overwriting it."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_active:
        raise ValidationError(_("Planen är avslutad och kan inte ändras."), code="closed")
    version_check(plan, version, fields)
    # Only the changed fields come; the dates are checked together with the stored ones.
    stored = {"start_date": plan.start_date, "next_follow_up": plan.next_follow_up}
    _dates_check({**stored, **fields}, today=_today(), previous=plan)
    changed = _changed_labels(plan, fields)
    if not changed:
        return plan
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.updated_by = actor
    version_bump(plan)
    plan.full_clean()
    plan.save()
    audit_event(action=Action.UPDATE, user=actor, obj=plan, detail=",".join(fields))
    revision_add(plan, actor, _("Ändrat: %(fields)s") % {"fields": ", ".join(changed)})
    plan_tasks_sync(plan)
    return plan


# --- Interventions ------------------------------------------------------------------------


def _intervention_check(
    fields: dict[str, Any], *, today: dt.date, previous: Intervention | None
) -> None:
    errors: dict[str, str] = {}
    pairs = [
        (
            "planned_start",
            "planned_end",
            _("Det planerade slutet kan inte ligga före den planerade starten."),
        ),
        ("actual_start", "actual_end", _("Insatsen kan inte sluta innan den har börjat.")),
    ]
    for start, end, message in pairs:
        if fields.get(start) and fields.get(end) and fields[end] < fields[start]:
            errors[end] = message
    for name in ("actual_start", "actual_end"):
        if fields.get(name) and fields[name] > today:
            errors.setdefault(
                name,
                _("Ett faktiskt datum kan inte ligga i framtiden. Använd det planerade datumet."),
            )
    follow_up = fields.get("follow_up_on")
    if (
        follow_up
        and follow_up < today
        and (previous is None or previous.follow_up_on != follow_up)
    ):
        errors["follow_up_on"] = _(
            "Uppföljningsdatumet har redan passerat. Välj i dag eller ett senare datum."
        )
    _ending_check(fields, errors)
    if errors:
        raise ValidationError(errors)


def _ending_check(fields: dict[str, Any], errors: dict[str, str]) -> None:
    """An end needs a start and a reason; a reason needs an end; a refusal needs a reason."""
    if fields.get("actual_end") and not fields.get("actual_start"):
        errors.setdefault("actual_start", _("Ange när insatsen började."))
    if fields.get("actual_end") and not fields.get("end_reason"):
        errors["end_reason"] = _("Ange varför insatsen avslutades.")
    if fields.get("end_reason") and not fields.get("actual_end"):
        errors.setdefault("actual_end", _("Ange när insatsen avslutades."))
    if fields.get("declined"):
        if not str(fields.get("declined_reason", "")).strip():
            errors["declined_reason"] = _("Ange varför ungdomen tackade nej.")
        if fields.get("actual_start"):
            errors["actual_start"] = _("En avböjd insats har inget startdatum.")


@transaction.atomic
def intervention_save(
    *,
    plan: ActionPlan,
    actor: User,
    intervention: Intervention | None = None,
    version: int | None = None,
    **fields: Any,
) -> Intervention:
    """Add an intervention to the plan or change one; the plan gets a new revision."""
    plan = ActionPlan.objects.select_for_update().select_related("youth").get(pk=plan.pk)
    if not plan.is_active:
        raise ValidationError(_("Planen är avslutad och kan inte ändras."), code="closed")
    if intervention is not None:
        intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
        version_check(intervention, version, fields)
    # A change brings only its changed fields; they are checked together with the stored ones.
    _intervention_check(
        fields if intervention is None else _intervention_fields(intervention, **fields),
        today=_today(),
        previous=intervention,
    )
    if intervention is None:
        intervention = Intervention(plan=plan, **fields)
        changed = None
    else:
        changed = _changed_labels(intervention, fields)
        if not changed:
            return intervention
        for name, value in fields.items():
            setattr(intervention, name, value)
        version_bump(intervention)
    intervention.full_clean()
    intervention.save()
    audit_event(
        action=Action.CREATE if changed is None else Action.UPDATE,
        user=actor,
        obj=intervention,
        detail="" if changed is None else ",".join(fields),
    )
    name = str(intervention.type)
    if changed is None:
        summary = (
            _("Insats erbjuden men avböjd: %(name)s")
            if intervention.declined
            else _("Insats tillagd: %(name)s")
        ) % {"name": name}
    else:
        summary = _("Insats %(name)s ändrad: %(fields)s") % {
            "name": name,
            "fields": ", ".join(changed),
        }
    revision_add(plan, actor, summary)
    youth_services.timeline_add(
        youth=plan.youth, kind="intervention", actor=actor, summary=summary, url=_plan_url(plan)
    )
    ActionPlan.objects.filter(pk=plan.pk).update(updated_by=actor, updated_at=timezone.now())
    plan_tasks_sync(plan)
    return intervention


# --- Follow-ups ---------------------------------------------------------------------------


@transaction.atomic
def follow_up_record(
    *,
    plan: ActionPlan,
    actor: User,
    held_on: dt.date,
    note: str,
    next_follow_up: dt.date | None = None,
    intervention: Intervention | None = None,
    intervention_next: dt.date | None = None,
) -> PlanFollowUp:
    """Record that the plan (or one intervention) was followed up, and when the next is."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    today = _today()
    if not plan.is_active:
        raise ValidationError(_("Planen är avslutad."), code="closed")
    if held_on > today:
        raise ValidationError({"held_on": _("Datumet kan inte ligga i framtiden.")})
    follow_up = PlanFollowUp(
        plan=plan, intervention=intervention, held_on=held_on, by=actor, note=note.strip()
    )
    follow_up.full_clean()
    follow_up.save()
    audit_event(action=Action.CREATE, user=actor, obj=follow_up)
    ref = f"intervention:{intervention.pk}" if intervention else f"plan:{plan.pk}"
    outreach_services.ref_tasks_done(youth_id=plan.youth_id, ref=ref, actor=actor)
    if intervention is not None:
        summary = _("Uppföljning av insats %(name)s") % {"name": intervention.type.name}
        if intervention_next is not None:
            # Only the next follow-up date changes: the other fields are taken from the row as
            # it is now (locked), so that a colleague's edit made meanwhile is not undone.
            current = Intervention.objects.select_for_update().get(pk=intervention.pk)
            intervention_save(
                plan=plan,
                actor=actor,
                intervention=current,
                **_intervention_fields(current, follow_up_on=intervention_next),
            )
    else:
        summary = _("Uppföljning av handlingsplanen")
        if next_follow_up is not None:
            plan_update(plan=plan, actor=actor, next_follow_up=next_follow_up)
    youth_services.timeline_add(
        youth=plan.youth, kind="follow_up", actor=actor, summary=summary, url=_plan_url(plan)
    )
    plan.refresh_from_db()
    plan_tasks_sync(plan)  # the next one (the same date if none was given: still due)
    return follow_up


def _intervention_fields(intervention: Intervention, **changes: Any) -> dict[str, Any]:
    fields = {f: getattr(intervention, f) for f in INTERVENTION_FIELDS}
    fields.update(changes)
    return fields


# --- Closing ------------------------------------------------------------------------------


def interventions_open(plan: ActionPlan) -> list[Intervention]:
    """The interventions a closing ends: running ones and planned ones never started."""
    return list(
        plan.interventions.filter(declined=False, actual_end__isnull=True).select_related("type")
    )


@transaction.atomic
def plan_close(
    *,
    plan: ActionPlan,
    actor: User | None,
    on: dt.date,
    reason: str,
    end_reasons: dict[int, str] | None = None,
) -> ActionPlan:
    """Close the plan: every intervention still running or planned ends with it, with the
    reason chosen for it (`end_reasons`, by id; without them: the KAA period ended, or
    another reason), open follow-ups are cancelled, a preventive plan's consent ends with it.
    A running intervention ends the same day; a planned one keeps no dates, only its reason.
    """
    plan = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("youth", "period", "case_worker", "consent")
        .get(pk=plan.pk)
    )
    if not plan.is_active:
        return plan
    if on < plan.start_date:
        raise ValidationError({"on": _("Planen kan inte avslutas före sitt startdatum.")})
    if end_reasons is not None and {i.pk for i in interventions_open(plan)} - set(end_reasons):
        raise ValidationError(
            _(
                "En insats har lagts till i planen medan du skrev. Ange varför den avslutas "
                "och spara igen."
            ),
            code="interventions_changed",
        )
    _plans_close([(plan, on, reason)], actor=actor, end_reasons=end_reasons or {})
    return plan


def _plans_close(
    closings: list[tuple[ActionPlan, dt.date, str]],
    *,
    actor: User | None,
    end_reasons: dict[int, str] | None = None,
) -> None:
    """Close active, locked plans (with youth and period loaded), each on its day with its
    reason, as set operations: a job closing hundreds of plans costs the queries of one."""
    if not closings:
        return
    end_reasons = end_reasons or {}
    now = timezone.now()
    plans = {plan.pk: (plan, on, reason) for plan, on, reason in closings}
    interventions = list(
        Intervention.objects.filter(plan_id__in=list(plans), declined=False)
        .filter(actual_end__isnull=True)
        .order_by("pk")
    )
    for intervention in interventions:
        plan, on, _reason = plans[intervention.plan_id]
        intervention.plan = plan  # the audit event reads the youth through it
        ended_with_period = (
            plan.kind == ActionPlan.Kind.KAA and plan.period and plan.period.end_date
        )
        default = (
            Intervention.EndReason.KAA_ENDED if ended_with_period else Intervention.EndReason.OTHER
        )
        intervention.end_reason = (
            end_reasons.get(intervention.pk) or intervention.end_reason or default
        )
        if intervention.actual_start is not None:
            # A planned intervention that never started keeps no dates, only its reason.
            intervention.actual_end = max(on, intervention.actual_start)
        intervention.updated_at = now
        version_bump(intervention)  # a form open on it is stale now
    update_grouped(
        interventions, ["actual_end", "end_reason", "updated_at"], version=F("version") + 1
    )
    started = [i for i in interventions if i.actual_start is not None]
    audit_bulk_change(started, user=actor, fields=["actual_end", "end_reason"])
    never_started = [i for i in interventions if i.actual_start is None]
    audit_bulk_change(never_started, user=actor, fields=["end_reason"])
    for plan, on, reason in plans.values():
        plan.status, plan.closed_on, plan.close_reason = ActionPlan.Status.CLOSED, on, reason[:200]
        plan.updated_by, plan.updated_at = actor, now
        version_bump(plan)
    closed = [plan for plan, _on, _reason in plans.values()]
    update_grouped(
        closed,
        ["status", "closed_on", "close_reason", "updated_by_id", "updated_at"],
        version=F("version") + 1,
    )
    audit_bulk_change(closed, user=actor, fields=["status", "closed_on"])
    revisions_add(
        closed,
        actor,
        {
            pk: _("Planen avslutad: %(reason)s") % {"reason": reason}
            for pk, (_p, _o, reason) in plans.items()
        },
    )
    for on in {on for plan, on, _reason in plans.values() if _ends_consent(plan)}:
        Consent.objects.filter(
            pk__in=[
                plan.consent_id
                for plan, day, _r in plans.values()
                if _ends_consent(plan) and day == on
            ],
            ended_on__isnull=True,
        ).update(
            ended_on=on,
            end_kind=Consent.EndKind.REPLACED,
            ended_by=actor,
            end_note=_("Den förebyggande planen avslutades."),
            version=F("version") + 1,
            updated_at=now,
        )
    youth_services.timeline_add_many(
        [
            {
                "youth": plan.youth,
                "kind": "plan",
                "actor": actor,
                "at": now,
                "summary": _("%(kind)s avslutad: %(reason)s")
                % {"kind": plan.get_kind_display(), "reason": reason},
                "url": _plan_url(plan),
            }
            for plan, _on, reason in plans.values()
        ]
    )
    plans_tasks_close(closed)
    still_active = set(
        ActionPlan.objects.filter(
            youth_id__in={plan.youth_id for plan in closed}, status=ActionPlan.Status.ACTIVE
        ).values_list("youth_id", flat=True)
    )
    youth_services.measure_flags_clear(youth_ids={plan.youth_id for plan in closed} - still_active)


def _ends_consent(plan: ActionPlan) -> bool:
    """A preventive plan's consent was given for that plan alone and ends with it."""
    return plan.kind == ActionPlan.Kind.PREVENTIVE and plan.consent_id is not None


@transaction.atomic
def closing_record(
    *,
    plan: ActionPlan,
    actor: User,
    held_on: dt.date,
    destination: OccupationType,
    end_reasons: dict[int, str] | None = None,
    **answers: Any,
) -> ClosingConversation:
    """The closing conversation (utslussning): the youth's evaluation, where they go next;
    the plan closes, ending each running or planned intervention with the reason chosen for
    it (`end_reasons`, by id: every one must have one), and the destination becomes the
    youth's occupation (source "Avslut")."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if held_on > _today():
        raise ValidationError({"held_on": _("Datumet kan inte ligga i framtiden.")})
    if held_on < plan.start_date:
        raise ValidationError({"held_on": _("Samtalet kan inte ligga före planens start.")})
    if not plan.is_active:
        raise ValidationError(_("Planen är redan avslutad."), code="closed")
    closing = ClosingConversation(
        plan=plan, held_on=held_on, by=actor, destination=destination, **answers
    )
    closing.full_clean()
    closing.save()
    audit_event(action=Action.CREATE, user=actor, obj=closing)
    for intervention in plan.interventions.filter(
        declined=False, actual_end__isnull=True, actual_start__isnull=False
    ):
        if intervention.went_on_to_id is None:
            Intervention.objects.filter(pk=intervention.pk).update(
                went_on_to=destination, version=F("version") + 1, updated_at=timezone.now()
            )
    plan_close(
        plan=plan,
        actor=actor,
        on=held_on,
        reason=_("Avslutande samtal: går vidare till %(dest)s") % {"dest": destination},
        end_reasons=end_reasons or {},
    )
    current = (
        Occupation.objects.filter(youth=plan.youth, end_date__isnull=True, confirmed=True)
        .order_by("-start_date")
        .first()
    )
    if current is None or current.type_id != destination.pk:
        youth_services.occupation_record(
            youth=plan.youth,
            type=destination,
            start_date=held_on,
            source=Occupation.Source.CLOSING,
            actor=actor,
            description=closing.destination_detail,
        )
    return closing


def plans_close_for_periods(*, periods: list[KaaPeriod], actor: User | None) -> int:
    """When KAA periods end, their open plans close with each period's reason, all in one set
    of queries (most periods have none)."""
    by_id = {period.pk: period for period in periods}
    plans = list(
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("youth", "period", "case_worker", "consent")
        .filter(period__in=list(by_id), status=ActionPlan.Status.ACTIVE)
        .order_by("pk")
    )
    closings = []
    for plan in plans:
        period = by_id[cast(int, plan.period_id)]  # the filter names the period
        reason = period.deregistration_reason.label if period.deregistration_reason else ""
        closings.append(
            (
                plan,
                max(cast(dt.date, period.end_date), plan.start_date),  # the periods have ended
                _("KAA-perioden avslutades: %(reason)s") % {"reason": reason},
            )
        )
    _plans_close(closings, actor=actor)
    return len(closings)
