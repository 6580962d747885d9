"""Writes of outreach: routines (versions, templates, migration), the contact log, tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit import audit_event
from kaa.models import AuditEvent, Municipality, User
from kaa.versioning import Change, StaleEdit, version_check
from outreach.calendar import add_months, add_offset
from outreach.engine import open_step_tasks_cancel
from outreach.models import (
    ONE_WAY_CHANNELS,
    Channel,
    ContactAttempt,
    OutreachCase,
    Routine,
    RoutineStep,
    Task,
)
from outreach.routine_templates import TEMPLATES
from youth import services as youth_services
from youth.models import KaaPeriod, OccupationType, Youth

Action = AuditEvent.Action
STEP_FIELDS = ("order", "title", "channel", "instructions", "offset_value", "offset_unit",
               "anchor", "requires_phone", "only_if_not_reached", "guardian_if_under_18",
               "only_under_18", "min_failed_attempts", "two_staff")


def routine_validate(steps: list[dict[str, Any]]) -> None:
    """A routine must have steps, unique orders, and conditions that can hold."""
    if not steps:
        raise ValidationError(_("Rutinen måste ha minst ett steg."))
    orders = [s["order"] for s in steps]
    if len(set(orders)) != len(orders):
        raise ValidationError(_("Två steg har samma ordningsnummer."))
    first = min(steps, key=lambda s: s["order"])
    if first["anchor"] == "previous":
        raise ValidationError(_("Det första steget kan inte räknas från ett föregående steg; "
                                "välj registreringsdatum."))
    # Deadlines are chained, so the latest possible day of each step is the sum of offsets
    # along its anchors. A step that can only fall after every youth has turned 20 (or 18,
    # for an under-18 step) can never apply: refuse it rather than silently never plan it.
    start = dt.date(2000, 1, 1)
    due: dict[int, dt.date] = {}
    for step in sorted(steps, key=lambda s: s["order"]):
        base = start if step["anchor"] == "registration" else (due[max(due)] if due else start)
        due[step["order"]] = add_offset(base, step["offset_value"], step["offset_unit"])
        limit_years = 3 if step["only_under_18"] else 5  # registered at 15 at the youngest
        if due[step["order"]] > add_months(start, 12 * limit_years):
            raise ValidationError(_("Steget \"%(t)s\" kan aldrig bli aktuellt: fristen går ut "
                                    "efter att ungdomen har fyllt %(age)s.")
                                  % {"t": step["title"], "age": 18 if step["only_under_18"]
                                     else 20})
        if step.get("min_failed_attempts", 0) > 20:
            raise ValidationError(_("Steget \"%(t)s\" kräver fler misslyckade försök än "
                                    "rimligt (högst 20).") % {"t": step["title"]})
        if step["channel"] in (Channel.PHONE, Channel.SMS) and not step["requires_phone"]:
            step["requires_phone"] = True  # a call or an SMS needs a number: implied


@transaction.atomic
def routine_save_version(*, municipality: Municipality, name: str, steps: list[dict[str, Any]],
                         actor: User | None, retry_after_days: int = 30,
                         concern_after_attempts: int = 3, version: int | None = None) -> Routine:
    """Save the steps as a new current version; earlier versions stay for open cases.
    `version` is the version the editor started from (0: there was none yet): if another
    coordinator saved a newer one meanwhile, nothing is saved (StaleEdit)."""
    routine_validate(steps)
    # Serialises saves per municipality, also the first one, which has no routine row to lock.
    Municipality.objects.select_for_update().get(pk=municipality.pk)
    previous = (Routine.objects.select_for_update()
                .filter(municipality=municipality, is_current=True).first())
    if previous is not None and version is not None:
        try:
            version_check(previous, version, {"name": name,
                                              "retry_after_days": retry_after_days,
                                              "concern_after_attempts": concern_after_attempts})
        except StaleEdit as exc:
            exc.changes.append(Change(_("Steg"), _("version %(v)s, %(n)s steg") % {
                "v": previous.version, "n": previous.steps.count()},
                _("%(n)s steg i formuläret") % {"n": len(steps)}))
            raise
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    routine = Routine.objects.create(
        municipality=municipality, name=name, is_current=True, previous=previous,
        version=(previous.version + 1) if previous else 1,
        retry_after_days=retry_after_days, concern_after_attempts=concern_after_attempts,
        created_by=actor, updated_by=actor)
    RoutineStep.objects.bulk_create(
        [RoutineStep(routine=routine, **{k: s[k] for k in STEP_FIELDS if k in s})
         for s in steps])
    audit_event(user=actor, action=Action.CREATE, obj=routine, detail=f"v{routine.version}")
    return routine


def routine_from_template(*, municipality: Municipality, key: str,
                          actor: User | None) -> Routine:
    """Make one of the shipped templates the municipality's current routine."""
    template = TEMPLATES[key]
    steps = []
    for order, (title, channel, value, unit, anchor, options) in enumerate(template["steps"], 1):
        steps.append({"order": order, "title": title, "channel": channel,
                      "offset_value": value, "offset_unit": unit, "anchor": anchor,
                      "instructions": options.get("instructions", ""),
                      "requires_phone": options.get("requires_phone", False),
                      "only_if_not_reached": options.get("only_if_not_reached", True),
                      "guardian_if_under_18": options.get("guardian_if_under_18", False),
                      "only_under_18": options.get("only_under_18", False),
                      "min_failed_attempts": options.get("min_failed_attempts", 0),
                      "two_staff": options.get("two_staff", False)})
    return routine_save_version(municipality=municipality, name=template["name"], steps=steps,
                                actor=actor, retry_after_days=template["retry_after_days"],
                                concern_after_attempts=template["concern_after_attempts"])


@transaction.atomic
def cases_migrate(*, routine: Routine, actor: User) -> int:
    """Move the municipality's open cases on older versions to `routine` (the current one).
    Done tasks stay; open tasks of the old steps are cancelled and the next job re-plans."""
    cases = OutreachCase.objects.filter(youth__municipality=routine.municipality,
                                        closed_on__isnull=True).exclude(routine=routine)
    case_ids = list(cases.values_list("pk", flat=True))
    Task.objects.filter(case_id__in=case_ids, status=Task.Status.OPEN,
                        step__isnull=False).update(status=Task.Status.CANCELLED,
                                                   cancel_reason="ny rutinversion")
    _done_tasks_carry_over(case_ids, list(routine.steps.order_by("order")))
    moved = OutreachCase.objects.filter(pk__in=case_ids).update(routine=routine)
    audit_event(user=actor, action=Action.UPDATE, obj=routine, detail=f"migrated:{moved}")
    return moved


def _done_tasks_carry_over(case_ids: list[int], new_steps: list[RoutineStep]) -> None:
    """What was done under the old version counts under the new one: each done step task
    moves to the new version's step with the same channel (the k-th postcard to the k-th
    postcard), so nothing already done is planned again and 'previous step' dates hold."""
    by_channel: dict[str, list[RoutineStep]] = {}
    for step in new_steps:
        by_channel.setdefault(step.channel, []).append(step)
    done = (Task.objects.filter(case_id__in=case_ids, status=Task.Status.DONE,
                                step__isnull=False)
            .select_related("step").order_by("case_id", "step__order"))
    used: dict[int, set[int]] = {}
    for task in done:
        taken = used.setdefault(task.case_id, set())
        target = next((s for s in by_channel.get(task.step.channel, []) if s.pk not in taken),
                      None)
        if target is not None:
            taken.add(target.pk)
            Task.objects.filter(pk=task.pk).update(step=target, title=target.title)


# A logged outcome that says nothing was carried out completes no task.
NOT_CARRIED_OUT = {ContactAttempt.Outcome.RETURNED_MAIL, ContactAttempt.Outcome.FAILED}
FOLLOW_UP_KINDS = (Task.Kind.FOLLOW_UP, Task.Kind.MEETING, Task.Kind.PLANNING, Task.Kind.RETRY)


def _matching_task(youth: Youth, channel: str) -> Task | None:
    """The open task a logged contact completes: a routine task of the same channel due
    within two weeks, else a follow-up (any channel), earliest due first."""
    today = timezone.localdate()
    open_tasks = Task.objects.filter(youth=youth, status=Task.Status.OPEN,
                                     due_date__lte=today + dt.timedelta(days=14))
    return (open_tasks.filter(channel=channel).exclude(kind__in=FOLLOW_UP_KINDS)
            .order_by("due_date").first()
            or open_tasks.filter(kind__in=FOLLOW_UP_KINDS).order_by("due_date").first())


@transaction.atomic
def contact_attempt_log(*, youth: Youth, channel: str, outcome: str, staff: User | None,
                        at: dt.datetime | None = None, note: str = "",
                        task: Task | None = None,
                        direction: str = ContactAttempt.Direction.OUT) -> ContactAttempt:
    """Log an attempt; it completes the matching task, and "reached" closes the routine."""
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("Tidpunkten ligger i framtiden.")})
    if task is not None and task.youth_id != youth.pk:
        raise ValidationError(_("Uppgiften gäller en annan ungdom."))
    period = KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).first()
    carried_out = direction == ContactAttempt.Direction.OUT and outcome not in NOT_CARRIED_OUT
    if task is None and carried_out:
        task = _matching_task(youth, channel)
    attempt = ContactAttempt.objects.create(youth=youth, period=period, task=task, at=at,
                                            channel=channel, direction=direction,
                                            outcome=outcome, staff=staff, note=note[:500])
    reached = outcome == ContactAttempt.Outcome.REACHED
    if task is not None and task.status == Task.Status.OPEN and (carried_out or reached):
        task.status, task.done_at, task.done_by = Task.Status.DONE, at, staff
        task.save(update_fields=["status", "done_at", "done_by"])
    audit_event(user=staff, action=Action.CREATE, obj=attempt)
    youth_services.timeline_add(
        youth=youth, kind="contact", actor=staff, at=at,
        summary=f"{Channel(channel).label}: {ContactAttempt.Outcome(outcome).label}")
    if outcome == ContactAttempt.Outcome.REACHED:
        day = timezone.localtime(at).date()
        youth_services.contact_reached_record(youth=youth, on=day)
        case = OutreachCase.objects.filter(period=period).first() if period else None
        if case is not None:
            case.reached_on = case.reached_on or day
            case.save(update_fields=["reached_on"])
            open_step_tasks_cancel(case=case, reason="nådd")
    return attempt


class NextStep:
    NONE = "none"
    DECLINES = "declines"
    WANTS_HELP = "wants_help"


def term_end(day: dt.date) -> dt.date:
    """The end of the school term that `day` falls in (configurable month-day pairs)."""
    spring_m, spring_d = settings.KAA_TERM_END_SPRING
    autumn_m, autumn_d = settings.KAA_TERM_END_AUTUMN
    spring = dt.date(day.year, spring_m, spring_d)
    autumn = dt.date(day.year, autumn_m, autumn_d)
    if day <= spring:
        return spring
    return autumn if day <= autumn else dt.date(day.year + 1, spring_m, spring_d)


def follow_up_due(*, category: str, next_step: str, on: dt.date,
                  studies_end: dt.date | None = None) -> tuple[str, dt.date]:
    """The follow-up rule after reaching a youth (domain.md §3): (task kind, due date)."""
    if next_step == NextStep.WANTS_HELP:
        return Task.Kind.PLANNING, add_offset(on, 7, "days")
    if category == OccupationType.Category.STUDYING:
        due = studies_end or term_end(on)
        if next_step == NextStep.DECLINES:  # declines support: at least three months
            due = max(due, add_months(on, 3))
        return Task.Kind.FOLLOW_UP, due
    if category in (OccupationType.Category.WORKING, OccupationType.Category.OTHER):
        months = max(settings.KAA_FOLLOW_UP_OCCUPIED_MONTHS, 3 if next_step == NextStep.DECLINES
                     else 0)
        return Task.Kind.FOLLOW_UP, add_months(on, months)
    return Task.Kind.MEETING, add_offset(on, 7, "days")


@transaction.atomic
def reached_record(*, youth: Youth, staff: User | None, channel: str,
                   occupation_type: OccupationType, next_step: str, description: str = "",
                   studies_end: dt.date | None = None, note: str = "", task: Task | None = None,
                   direction: str = ContactAttempt.Direction.OUT,
                   source: str = "contact", confirmed: bool = True) -> tuple[Task, ContactAttempt]:
    """Log "reached", record the occupation and schedule the follow-up by rule.

    The youth's own e-service answer goes through here too (no staff, direction "in",
    source "e-service", the occupation unconfirmed until the coach confirms it)."""
    attempt = contact_attempt_log(youth=youth, channel=channel, staff=staff, task=task,
                                  outcome=ContactAttempt.Outcome.REACHED, note=note,
                                  direction=direction)
    day = timezone.localtime(attempt.at).date()
    youth_services.occupation_record(youth=youth, type=occupation_type, start_date=day,
                                     source=source, description=description, actor=staff,
                                     confirmed=confirmed)
    kind, due = follow_up_due(category=occupation_type.category, next_step=next_step, on=day,
                              studies_end=studies_end)
    return follow_up_replace(youth=youth, kind=kind, due=due), attempt


def follow_up_replace(*, youth: Youth, kind: str, due: dt.date) -> Task:
    """The new follow-up replaces any earlier one still open."""
    case = OutreachCase.objects.filter(youth=youth, closed_on__isnull=True).first()
    Task.objects.filter(youth=youth, status=Task.Status.OPEN,
                        kind__in=FOLLOW_UP_KINDS).exclude(due_date=due, kind=kind).update(
        status=Task.Status.CANCELLED, cancel_reason="ersatt av ny uppföljning")
    follow_up, _ = Task.objects.get_or_create(
        youth=youth, kind=kind, due_date=due, status=Task.Status.OPEN,
        defaults={"case": case, "title": str(Task.Kind(kind).label)})
    return follow_up


@transaction.atomic
def task_complete(*, task: Task, staff: User, outcome: str = ContactAttempt.Outcome.SENT,
                  note: str = "") -> ContactAttempt:
    """Mark a task done by logging the contact it stands for (bulk actions use this)."""
    channel = task.channel or Channel.PHONE
    if task.channel in ONE_WAY_CHANNELS and outcome not in (ContactAttempt.Outcome.SENT,
                                                            ContactAttempt.Outcome.FAILED):
        outcome = ContactAttempt.Outcome.SENT
    return contact_attempt_log(youth=task.youth, channel=channel, outcome=outcome,
                               staff=staff, task=task, note=note)


def digests_send(*, today: dt.date, base_url: str) -> int:
    """Morning summaries to staff who asked for them: counts only, at most one per user and
    day (claimed in the database before sending). Returns e-mails sent."""
    from django.db.models import Count, Q

    from kaa.lib.emails import send_digest
    from outreach.calendar import week_end

    users = User.objects.filter(is_active=True, wants_email_digest=True).exclude(email="")
    sent = 0
    for user in users:
        counts = (Task.objects.visible_to(user).filter(status=Task.Status.OPEN,
                                                       youth__coach=user)
                  .aggregate(overdue=Count("pk", filter=Q(due_date__lt=today)),
                             today_count=Count("pk", filter=Q(due_date=today)),
                             week=Count("pk", filter=Q(due_date__gt=today,
                                                       due_date__lte=week_end(today)))))
        if not any(counts.values()):
            continue
        claimed = (User.objects.filter(pk=user.pk).exclude(digest_sent_on=today)
                   .update(digest_sent_on=today))
        if not claimed:  # already sent today (a second beat, or the task delivered twice)
            continue
        send_digest(to=user.email, context={**counts, "name": user.first_name or user.username,
                                            "url": base_url.rstrip("/") + "/uppsok/"})
        sent += 1
    return sent
