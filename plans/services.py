"""Writes of plans: mapping conversations, action plans and interventions (each change a new
revision), follow-ups and their tasks in the coach's work queue, closing, preventive cases.

Every write is audited and put on the youth's timeline; the register is told when the
youth's first plan starts or last one ends (`youth.services.measure_flag_set`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.access import Perm, has_perm
from kaa.audit import Action, audit_event
from kaa.models import Municipality, Role, User
from kaa.versioning import version_bump, version_check
from outreach.calendar import add_months, next_business_day_on_or_after
from outreach.models import Task
from plans.consent import consent_current
from plans.models import (
    ActionPlan,
    ClosingConversation,
    Consent,
    Intervention,
    MappingConversation,
    PlanFollowUp,
    PlanRevision,
    SchoolNotification,
)
from youth import services as youth_services
from youth.models import KaaPeriod, Occupation, OccupationType, Reason, Youth

PLAN_FIELDS = ["kind", "case_worker", "consent", "school", "school_contact", "goal",
               "start_date", "next_follow_up", "status", "closed_on", "close_reason"]
INTERVENTION_FIELDS = ["type", "purpose", "declined", "declined_reason", "responsible",
                       "responsible_staff", "partner", "planned_start", "planned_end",
                       "actual_start", "actual_end", "follow_up_on", "end_reason", "result",
                       "went_on_to"]
# What a conversation's school status says about the registration reason (scb-export §2.3).
REASON_BY_SCHOOL_STATUS = {
    MappingConversation.SchoolStatus.DROPPED_OUT: "AVBROTT_NATIONELLT",
    MappingConversation.SchoolStatus.STUDIEBEVIS: "STUDIEBEVIS",
    MappingConversation.SchoolStatus.NEVER_STARTED: "ALDRIG_GYMNASIAL",
}
UNSPECIFIED_REASON = "OVRIGT"


def _today() -> dt.date:
    return timezone.localdate()


def next_month(day: dt.date) -> dt.date:
    """The monthly follow-up: a month later, moved to a business day (domain.md §4)."""
    return next_business_day_on_or_after(add_months(day, 1))


def _display(obj: Model, field: str) -> str:
    value = getattr(obj, field)
    if value is None or value == "":
        return ""
    getter = getattr(obj, f"get_{field}_display", None)
    if getter is not None:
        return str(getter())
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, User):
        return value.get_full_name() or value.get_username()
    return str(value)


# --- Mapping conversations -------------------------------------------------------------

@transaction.atomic
def conversation_record(*, youth: Youth, actor: User, **fields: Any) -> MappingConversation:
    """Save a mapping conversation. If it is the latest one, it updates the youth's current
    occupation and, where the registration reason was left unspecified, the reason."""
    held_on = fields["held_on"]
    if held_on > _today():
        raise ValidationError({"held_on": _("Datumet kan inte ligga i framtiden.")})
    period = KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).first()
    conversation = MappingConversation(youth=youth, period=period, created_by=actor,
                                       updated_by=actor, **fields)
    conversation.full_clean()
    conversation.save()
    audit_event(action=Action.CREATE, user=actor, obj=conversation)
    youth_services.timeline_add(
        youth=youth, kind="conversation", actor=actor,
        summary=_("Kartläggningssamtal %(date)s") % {"date": held_on.isoformat()},
        url=reverse("plans:conversation_detail", args=[youth.pk, conversation.pk]))
    latest = MappingConversation.objects.filter(youth=youth).order_by("-held_on", "-id").first()
    if latest is not None and latest.pk == conversation.pk:
        _conversation_feeds_register(conversation, period, actor)
    return conversation


def _conversation_feeds_register(conversation: MappingConversation, period: KaaPeriod | None,
                                 actor: User) -> None:
    youth = conversation.youth
    current = (Occupation.objects.filter(youth=youth, end_date__isnull=True, confirmed=True)
               .order_by("-start_date", "-id").first())
    if current is None or (current.type_id != conversation.occupation_type_id
                           and current.start_date <= conversation.held_on):
        youth_services.occupation_record(
            youth=youth, type=conversation.occupation_type, start_date=conversation.held_on,
            source=Occupation.Source.MAPPING, actor=actor,
            description=conversation.occupation_description)
    code = REASON_BY_SCHOOL_STATUS.get(conversation.school_status)
    if period is None or code is None or period.registration_reason.code != UNSPECIFIED_REASON:
        return
    reason = Reason.objects.filter(kind=Reason.Kind.REGISTRATION, code=code,
                                   is_active=True).first()
    if reason is None:
        return
    KaaPeriod.objects.filter(pk=period.pk).update(registration_reason=reason, updated_by=actor,
                                                  updated_at=timezone.now())
    audit_event(action=Action.UPDATE, user=actor, obj=period, detail="registration_reason")
    youth_services.timeline_add(
        youth=youth, kind="period_reason", actor=actor,
        summary=_("Registreringsorsak satt från kartläggningen: %(reason)s")
        % {"reason": reason.label})


# --- Plans and their revisions ---------------------------------------------------------

def plan_snapshot(plan: ActionPlan) -> dict[str, Any]:
    """The plan and its interventions as readable text, as they are now."""
    return {
        "plan": {f: _display(plan, f) for f in PLAN_FIELDS},
        "interventions": [
            {"id": i.pk, **{f: _display(i, f) for f in INTERVENTION_FIELDS}}
            for i in plan.interventions.select_related(
                "type", "responsible_staff", "partner", "went_on_to").order_by("id")],
    }


def _revise(plan: ActionPlan, actor: User | None, summary: str) -> PlanRevision:
    number = plan.revision if not plan.revisions.exists() else plan.revision + 1
    ActionPlan.objects.filter(pk=plan.pk).update(revision=number)
    plan.revision = number
    return PlanRevision.objects.create(plan=plan, number=number, at=timezone.now(), by=actor,
                                       summary=summary[:300], snapshot=plan_snapshot(plan))


def revision_compare(old: PlanRevision, new: PlanRevision) -> dict[str, Any]:
    """Rows for a side-by-side view: each plan field and each intervention, old and new."""
    labels = {f: str(ActionPlan._meta.get_field(f).verbose_name) for f in PLAN_FIELDS}
    ilabels = {f: str(Intervention._meta.get_field(f).verbose_name)
               for f in INTERVENTION_FIELDS}
    plan_rows = [{"field": f, "label": labels[f], "old": old.snapshot["plan"].get(f, ""),
                  "new": new.snapshot["plan"].get(f, ""),
                  "changed": old.snapshot["plan"].get(f, "") != new.snapshot["plan"].get(f, "")}
                 for f in PLAN_FIELDS]
    before = {i["id"]: i for i in old.snapshot["interventions"]}
    after = {i["id"]: i for i in new.snapshot["interventions"]}
    interventions = []
    for pk in sorted(before.keys() | after.keys()):
        a, b = before.get(pk, {}), after.get(pk, {})
        rows = [{"label": ilabels[f], "old": a.get(f, ""), "new": b.get(f, ""),
                 "changed": a.get(f, "") != b.get(f, "")} for f in INTERVENTION_FIELDS]
        interventions.append({"title": b.get("type") or a.get("type"), "added": not a,
                              "removed": not b, "changed": any(r["changed"] for r in rows),
                              "rows": rows})
    return {"plan_rows": plan_rows, "interventions": interventions}


def _measure_flag_refresh(youth: Youth) -> None:
    active = ActionPlan.objects.filter(youth=youth, status=ActionPlan.Status.ACTIVE).exists()
    if youth.in_measure != active:
        youth_services.measure_flag_set(youth=youth, active=active)


def _plan_url(plan: ActionPlan) -> str:
    return reverse("plans:plan_detail", args=[plan.youth_id, plan.pk])


@transaction.atomic
def plan_create(*, youth: Youth, actor: User, kind: str = ActionPlan.Kind.KAA,
                **fields: Any) -> ActionPlan:
    """Start an action plan. A consent valid today is required (the law's condition for
    planning with partners); a KAA plan needs an open KAA period."""
    fields.pop("version", None)  # a new plan starts at version 1
    Youth.objects.select_for_update().filter(pk=youth.pk).first()
    today = _today()
    consent = consent_current(youth, today)
    if consent is None:
        raise ValidationError(_("Ungdomen har inget giltigt samtycke. Registrera samtycket "
                                "först: en plan görs tillsammans med ungdomen och bygger på "
                                "samtycke."), code="no_consent")
    period = KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).first()
    if kind == ActionPlan.Kind.KAA and period is None:
        raise ValidationError(_("Ungdomen är inte i KAA. Gör en förebyggande plan i stället."),
                              code="no_period")
    if kind == ActionPlan.Kind.PREVENTIVE and period is not None:
        raise ValidationError(_("Ungdomen är i KAA: gör en vanlig handlingsplan."),
                              code="in_kaa")
    if ActionPlan.objects.filter(youth=youth, kind=kind,
                                 status=ActionPlan.Status.ACTIVE).exists():
        raise ValidationError(_("Ungdomen har redan en pågående plan av den typen. Ändra den "
                                "i stället."), code="active_plan")
    _dates_check(fields, today=today)
    plan = ActionPlan(youth=youth, kind=kind, period=period if kind == ActionPlan.Kind.KAA
                      else None, consent=consent, created_by=actor, updated_by=actor, **fields)
    plan.full_clean()
    plan.save()
    audit_event(action=Action.CREATE, user=actor, obj=plan)
    _revise(plan, actor, _("Planen upprättad"))
    youth_services.timeline_add(
        youth=youth, kind="plan", actor=actor, url=_plan_url(plan),
        summary=_("%(kind)s upprättad") % {"kind": plan.get_kind_display()})
    # The "plan within a week" task from outreach is done now.
    Task.objects.filter(youth=youth, kind=Task.Kind.PLANNING, status=Task.Status.OPEN).update(
        status=Task.Status.DONE, done_at=timezone.now(), done_by=actor)
    _measure_flag_refresh(youth)
    plan_tasks_sync(plan)
    return plan


def _dates_check(fields: dict[str, Any], *, today: dt.date,
                 previous: ActionPlan | None = None) -> None:
    follow_up = fields.get("next_follow_up")
    unchanged = previous is not None and previous.next_follow_up == follow_up
    if follow_up is not None and follow_up < today and not unchanged:
        raise ValidationError({"next_follow_up": _("Uppföljningsdatumet har redan passerat. "
                                                   "Välj i dag eller ett senare datum.")})
    start = fields.get("start_date")
    if start is not None and follow_up is not None and follow_up < start:
        raise ValidationError({"next_follow_up": _("Uppföljningen kan inte ligga före "
                                                   "planens startdatum.")})


def _changed_labels(obj: Model, fields: dict[str, Any]) -> list[str]:
    return [str(obj._meta.get_field(name).verbose_name) for name, value in fields.items()
            if getattr(obj, name) != value]


@transaction.atomic
def plan_update(*, plan: ActionPlan, actor: User, version: int | None = None,
                **fields: Any) -> ActionPlan:
    """Change the plan's text or dates: a new revision that says what changed. A form opened
    before someone else's save is refused (StaleEdit) instead of overwriting it."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_active:
        raise ValidationError(_("Planen är avslutad och kan inte ändras."), code="closed")
    version_check(plan, version, fields)
    _dates_check(fields, today=_today(), previous=plan)
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
    _revise(plan, actor, _("Ändrat: %(fields)s") % {"fields": ", ".join(changed)})
    plan_tasks_sync(plan)
    return plan


def _intervention_check(fields: dict[str, Any], *, today: dt.date,
                        previous: Intervention | None) -> None:
    errors: dict[str, str] = {}
    pairs = [("planned_start", "planned_end", _("Det planerade slutet kan inte ligga före den "
                                                 "planerade starten.")),
             ("actual_start", "actual_end", _("Insatsen kan inte sluta innan den har börjat."))]
    for start, end, message in pairs:
        if fields.get(start) and fields.get(end) and fields[end] < fields[start]:
            errors[end] = message
    for name in ("actual_start", "actual_end"):
        if fields.get(name) and fields[name] > today:
            errors.setdefault(name, _("Ett faktiskt datum kan inte ligga i framtiden. Använd "
                                      "det planerade datumet."))
    follow_up = fields.get("follow_up_on")
    if (follow_up and follow_up < today
            and (previous is None or previous.follow_up_on != follow_up)):
        errors["follow_up_on"] = _("Uppföljningsdatumet har redan passerat. Välj i dag eller "
                                   "ett senare datum.")
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
def intervention_save(*, plan: ActionPlan, actor: User,
                      intervention: Intervention | None = None, version: int | None = None,
                      **fields: Any) -> Intervention:
    """Add an intervention to the plan or change one; the plan gets a new revision."""
    plan = ActionPlan.objects.select_for_update().select_related("youth").get(pk=plan.pk)
    if not plan.is_active:
        raise ValidationError(_("Planen är avslutad och kan inte ändras."), code="closed")
    if intervention is not None:
        intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
        version_check(intervention, version, fields)
    _intervention_check(fields, today=_today(), previous=intervention)
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
    audit_event(action=Action.CREATE if changed is None else Action.UPDATE, user=actor,
                obj=intervention, detail="" if changed is None else ",".join(fields))
    name = str(intervention.type)
    if changed is None:
        summary = (_("Insats erbjuden men avböjd: %(name)s") if intervention.declined
                   else _("Insats tillagd: %(name)s")) % {"name": name}
    else:
        summary = _("Insats %(name)s ändrad: %(fields)s") % {"name": name,
                                                             "fields": ", ".join(changed)}
    _revise(plan, actor, summary)
    youth_services.timeline_add(youth=plan.youth, kind="intervention", actor=actor,
                                summary=summary, url=_plan_url(plan))
    ActionPlan.objects.filter(pk=plan.pk).update(updated_by=actor, updated_at=timezone.now())
    plan_tasks_sync(plan)
    return intervention


# --- Follow-up tasks in the coach's work queue ------------------------------------------

def _task_sync(*, youth_id: int, kind: str, ref: str, due: dt.date | None, title: str,
               link: str) -> None:
    """Exactly one open task for `ref`, due on `due` (none if `due` is None)."""
    open_tasks = Task.objects.filter(youth_id=youth_id, ref=ref, status=Task.Status.OPEN)
    open_tasks.exclude(due_date=due).update(status=Task.Status.CANCELLED,
                                            cancel_reason="nytt uppföljningsdatum")
    if due is not None:
        Task.objects.get_or_create(youth_id=youth_id, kind=kind, ref=ref, due_date=due,
                                   status=Task.Status.OPEN,
                                   defaults={"title": title[:150], "link": link})


def plan_tasks_sync(plan: ActionPlan) -> None:
    """The plan's monthly follow-up and each ongoing intervention's follow-up, as tasks."""
    active = plan.status == ActionPlan.Status.ACTIVE
    link = reverse("plans:follow_up", args=[plan.youth_id, plan.pk])
    _task_sync(youth_id=plan.youth_id, kind=Task.Kind.PLAN_FOLLOW_UP, ref=f"plan:{plan.pk}",
               due=plan.next_follow_up if active else None,
               title=str(Task.Kind.PLAN_FOLLOW_UP.label), link=link)
    for intervention in plan.interventions.select_related("type"):
        due = intervention.follow_up_on
        if not active or intervention.declined or intervention.actual_end is not None:
            due = None
        _task_sync(youth_id=plan.youth_id, kind=Task.Kind.INTERVENTION_FOLLOW_UP,
                   ref=f"intervention:{intervention.pk}", due=due,
                   title=_("Följ upp insats: %(name)s") % {"name": intervention.type.name},
                   link=f"{link}?insats={intervention.pk}")


def follow_up_tasks_refresh() -> int:
    """Daily job: every active plan has its follow-up tasks (repairs anything missed).
    Idempotent; returns how many plans were checked."""
    count = 0
    plans = (ActionPlan.objects.writable().filter(status=ActionPlan.Status.ACTIVE)
             .prefetch_related("interventions__type").order_by("pk"))
    for plan in plans.iterator(chunk_size=500):
        with transaction.atomic():
            plan_tasks_sync(plan)
        count += 1
    return count


@transaction.atomic
def follow_up_record(*, plan: ActionPlan, actor: User, held_on: dt.date, note: str,
                     next_follow_up: dt.date | None = None,
                     intervention: Intervention | None = None,
                     intervention_next: dt.date | None = None) -> PlanFollowUp:
    """Record that the plan (or one intervention) was followed up, and when the next is."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    today = _today()
    if not plan.is_active:
        raise ValidationError(_("Planen är avslutad."), code="closed")
    if held_on > today:
        raise ValidationError({"held_on": _("Datumet kan inte ligga i framtiden.")})
    follow_up = PlanFollowUp(plan=plan, intervention=intervention, held_on=held_on, by=actor,
                             note=note.strip())
    follow_up.full_clean()
    follow_up.save()
    audit_event(action=Action.CREATE, user=actor, obj=follow_up)
    ref = f"intervention:{intervention.pk}" if intervention else f"plan:{plan.pk}"
    Task.objects.filter(youth_id=plan.youth_id, ref=ref, status=Task.Status.OPEN).update(
        status=Task.Status.DONE, done_at=timezone.now(), done_by=actor)
    if intervention is not None:
        summary = _("Uppföljning av insats %(name)s") % {"name": intervention.type.name}
        if intervention_next is not None:
            # Only the next follow-up date changes: the other fields are taken from the row as
            # it is now (locked), so that a colleague's edit made meanwhile is not undone.
            current = Intervention.objects.select_for_update().get(pk=intervention.pk)
            intervention_save(plan=plan, actor=actor, intervention=current,
                              **_intervention_fields(current, follow_up_on=intervention_next))
    else:
        summary = _("Uppföljning av handlingsplanen")
        if next_follow_up is not None:
            plan_update(plan=plan, actor=actor, next_follow_up=next_follow_up)
    youth_services.timeline_add(youth=plan.youth, kind="follow_up", actor=actor,
                                summary=summary, url=_plan_url(plan))
    plan.refresh_from_db()
    plan_tasks_sync(plan)  # the next one (the same date if none was given: still due)
    return follow_up


def _intervention_fields(intervention: Intervention, **changes: Any) -> dict[str, Any]:
    fields = {f: getattr(intervention, f) for f in INTERVENTION_FIELDS}
    fields.update(changes)
    return fields


# --- Closing ----------------------------------------------------------------------------

@transaction.atomic
def plan_close(*, plan: ActionPlan, actor: User | None, on: dt.date, reason: str) -> ActionPlan:
    """Close the plan: ongoing interventions end the same day, open follow-ups are cancelled,
    a preventive plan's consent ends with it."""
    plan = ActionPlan.objects.select_for_update().select_related("youth").get(pk=plan.pk)
    if not plan.is_active:
        return plan
    if on < plan.start_date:
        raise ValidationError({"on": _("Planen kan inte avslutas före sitt startdatum.")})
    end_reason = (Intervention.EndReason.KAA_ENDED if plan.kind == ActionPlan.Kind.KAA
                  and plan.period and plan.period.end_date else Intervention.EndReason.OTHER)
    for intervention in plan.interventions.filter(declined=False, actual_end__isnull=True):
        if intervention.actual_start is None:
            continue  # planned but never started: stays as planned in the history
        intervention.actual_end = max(on, intervention.actual_start)
        intervention.end_reason = intervention.end_reason or end_reason
        version_bump(intervention)  # a form open on it is stale now
        intervention.save(update_fields=["actual_end", "end_reason", "updated_at", "version"])
        audit_event(action=Action.UPDATE, user=actor, obj=intervention,
                    detail="actual_end,end_reason")
    plan.status, plan.closed_on, plan.close_reason = ActionPlan.Status.CLOSED, on, reason[:200]
    plan.updated_by = actor
    version_bump(plan)
    plan.save(update_fields=["status", "closed_on", "close_reason", "updated_by", "updated_at",
                             "version"])
    audit_event(action=Action.UPDATE, user=actor, obj=plan, detail="status,closed_on")
    _revise(plan, actor, _("Planen avslutad: %(reason)s") % {"reason": reason})
    if plan.kind == ActionPlan.Kind.PREVENTIVE and plan.consent_id:
        Consent.objects.filter(pk=plan.consent_id, ended_on__isnull=True).update(
            ended_on=on, end_kind=Consent.EndKind.REPLACED, ended_by=actor,
            end_note=_("Den förebyggande planen avslutades."), version=F("version") + 1,
            updated_at=timezone.now())
    youth_services.timeline_add(youth=plan.youth, kind="plan", actor=actor,
                                summary=_("%(kind)s avslutad: %(reason)s")
                                % {"kind": plan.get_kind_display(), "reason": reason},
                                url=_plan_url(plan))
    plan_tasks_sync(plan)
    _measure_flag_refresh(plan.youth)
    return plan


@transaction.atomic
def closing_record(*, plan: ActionPlan, actor: User, held_on: dt.date,
                   destination: OccupationType, **answers: Any) -> ClosingConversation:
    """The closing conversation (utslussning): the youth's evaluation, where they go next;
    the plan closes and the destination becomes the youth's occupation."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if held_on > _today():
        raise ValidationError({"held_on": _("Datumet kan inte ligga i framtiden.")})
    if held_on < plan.start_date:
        raise ValidationError({"held_on": _("Samtalet kan inte ligga före planens start.")})
    if not plan.is_active:
        raise ValidationError(_("Planen är redan avslutad."), code="closed")
    closing = ClosingConversation(plan=plan, held_on=held_on, by=actor, destination=destination,
                                  **answers)
    closing.full_clean()
    closing.save()
    audit_event(action=Action.CREATE, user=actor, obj=closing)
    for intervention in plan.interventions.filter(declined=False, actual_end__isnull=True,
                                                  actual_start__isnull=False):
        if intervention.went_on_to_id is None:
            Intervention.objects.filter(pk=intervention.pk).update(
                went_on_to=destination, version=F("version") + 1, updated_at=timezone.now())
    plan_close(plan=plan, actor=actor, on=held_on,
               reason=_("Avslutande samtal: går vidare till %(dest)s") % {"dest": destination})
    current = (Occupation.objects.filter(youth=plan.youth, end_date__isnull=True,
                                         confirmed=True).order_by("-start_date").first())
    if current is None or current.type_id != destination.pk:
        youth_services.occupation_record(youth=plan.youth, type=destination, start_date=held_on,
                                         source=Occupation.Source.MAPPING, actor=actor,
                                         description=closing.destination_detail)
    return closing


def plans_close_for_period(*, period: KaaPeriod, actor: User | None) -> int:
    """When a KAA period ends, its open plans close with the period's reason."""
    reason = period.deregistration_reason.label if period.deregistration_reason else ""
    plans = ActionPlan.objects.filter(period=period, status=ActionPlan.Status.ACTIVE)
    closed = 0
    for plan in plans:
        plan_close(plan=plan, actor=actor, on=max(period.end_date, plan.start_date),
                   reason=_("KAA-perioden avslutades: %(reason)s") % {"reason": reason})
        closed += 1
    return closed


# --- Preventive cases -------------------------------------------------------------------

@transaction.atomic
def preventive_case_open(*, municipality: Municipality, actor: User, personnummer: str,
                         first_name: str, last_name: str, school: str, reported_on: dt.date,
                         **details: Any) -> Youth:
    """A school reports a student at risk of dropping out (skollagen 15:15): the student is
    put in the register without a KAA period and assigned to the reporting-in coach."""
    if reported_on > _today():
        raise ValidationError({"reported_on": _("Datumet kan inte ligga i framtiden.")})
    youth = youth_services.youth_record_ensure(
        municipality=municipality, personnummer=personnummer, first_name=first_name,
        last_name=last_name, on=reported_on, actor=actor, within_scope=True, **details)
    if KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).exists():
        raise ValidationError(_("Ungdomen är redan i KAA och får en vanlig handlingsplan."),
                              code="in_kaa")
    if youth.coach_id is None and actor.role == Role.COACH:
        youth = youth_services.youth_assign(youth=youth, coach=actor, team=actor.team,
                                            actor=actor)
    youth_services.timeline_add(
        youth=youth, kind="preventive", actor=actor,
        summary=_("Anmäld av %(school)s: risk för studieavbrott") % {"school": school})
    return youth


@dataclass(frozen=True)
class PreventiveReport:
    """What the preventive-case form did: opened the case (`youth`), or handed the report to
    the coordinators (`notice`). `hidden` is the record the number matched that the actor may
    not see: for the audit log only, never for the actor."""

    youth: Youth | None = None
    notice: SchoolNotification | None = None
    hidden: Youth | None = None


@transaction.atomic
def preventive_case_report(*, municipality: Municipality, actor: User, personnummer: str,
                           first_name: str, last_name: str, school: str, reported_on: dt.date,
                           **details: Any) -> PreventiveReport:
    """A school's report of a student at risk, entered by staff. Whoever sees the whole
    municipality opens the case at once. Anyone else opens it only on a record they may
    already see; every other number (not in the register, another team's youth, a protected
    or restricted one) goes to the coordinators' inbox in the same way, so that the form never
    tells whether a person is in the register."""
    if has_perm(actor, Perm.VIEW_MUNICIPALITY_RECORDS):
        return PreventiveReport(youth=preventive_case_open(
            municipality=municipality, actor=actor, personnummer=personnummer,
            first_name=first_name, last_name=last_name, school=school,
            reported_on=reported_on, **details))
    if reported_on > _today():
        raise ValidationError({"reported_on": _("Datumet kan inte ligga i framtiden.")})
    parsed = youth_services.personnummer_parse(personnummer, today=max(reported_on, _today()))
    try:
        youth_services.age_check(birth_date=parsed.birth_date, on=reported_on)
    except ValidationError as exc:
        raise ValidationError({"personnummer": exc.messages}) from exc
    match = Youth.objects.filter(municipality=municipality, personnummer=parsed.number).first()
    if match is not None and Youth.objects.visible_to(actor).filter(pk=match.pk).exists():
        return PreventiveReport(youth=preventive_case_open(
            municipality=municipality, actor=actor, personnummer=personnummer,
            first_name=first_name, last_name=last_name, school=school,
            reported_on=reported_on, **details))
    phone = (details.get("phone") or "").strip()
    notice = SchoolNotification.objects.create(
        municipality=municipality, kind=SchoolNotification.Kind.AT_RISK,
        personnummer=parsed.number, first_name=first_name.strip(),
        last_name=last_name.strip(), school=school.strip(), event_date=reported_on,
        contact_name=(actor.get_full_name() or actor.get_username())[:150],
        contact_email=actor.email or "",
        message=_("Elevens telefon: %(phone)s") % {"phone": phone} if phone else "",
        reported_by=actor)
    audit_event(user=actor, action=Action.CREATE, obj=notice, detail="preventive form")
    return PreventiveReport(notice=notice, hidden=match)
