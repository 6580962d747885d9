"""Writes of the work queue: the contact log (a logged contact completes its task; "reached"
records the occupation and schedules the follow-up by rule), completing tasks, and the
morning digest."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit import audit_event
from kaa.models import AuditEvent, User
from outreach.calendar import add_months, add_offset
from outreach.queue.models import (
    ONE_WAY_CHANNELS,
    Channel,
    ContactAttempt,
    OutreachCase,
    Task,
    outcomes_for,
)
from outreach.queue.signals import step_done
from youth.models import KaaPeriod, OccupationType, Youth
from youth.register import services as youth_services

Action = AuditEvent.Action


# A logged outcome that says nothing was carried out completes no task.
NOT_CARRIED_OUT = {ContactAttempt.Outcome.RETURNED_MAIL, ContactAttempt.Outcome.FAILED}
FOLLOW_UP_KINDS = (Task.Kind.FOLLOW_UP, Task.Kind.MEETING, Task.Kind.PLANNING, Task.Kind.RETRY)


def _matching_task(youth: Youth, channel: str) -> Task | None:
    """The open task a logged contact completes: a routine task of the same channel due
    within two weeks, else a follow-up (any channel), earliest due first."""
    today = timezone.localdate()
    open_tasks = Task.objects.filter(
        youth=youth, status=Task.Status.OPEN, due_date__lte=today + dt.timedelta(days=14)
    )
    return (
        open_tasks.filter(channel=channel)
        .exclude(kind__in=FOLLOW_UP_KINDS)
        .order_by("due_date")
        .first()
        or open_tasks.filter(kind__in=FOLLOW_UP_KINDS).order_by("due_date").first()
    )


@transaction.atomic
def contact_attempt_log(
    *,
    youth: Youth,
    channel: str,
    outcome: str,
    staff: User | None,
    at: dt.datetime | None = None,
    note: str = "",
    task: Task | None = None,
    direction: str = ContactAttempt.Direction.OUT,
) -> ContactAttempt:
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
    attempt = ContactAttempt.objects.create(
        youth=youth,
        period=period,
        task=task,
        at=at,
        channel=channel,
        direction=direction,
        outcome=outcome,
        staff=staff,
        note=note[:500],
    )
    reached = outcome == ContactAttempt.Outcome.REACHED
    if task is not None and task.status == Task.Status.OPEN and (carried_out or reached):
        task.status, task.done_at, task.done_by = Task.Status.DONE, at, staff
        task.save(update_fields=["status", "done_at", "done_by"])
        if task.kind == Task.Kind.STEP and task.case_id:
            step_done.send(sender=Task, case_id=task.case_id)
    audit_event(user=staff, action=Action.CREATE, obj=attempt)
    youth_services.timeline_add(
        youth=youth,
        kind="contact",
        actor=staff,
        at=at,
        summary=f"{Channel(channel).label}: {ContactAttempt.Outcome(outcome).label}",
    )
    if outcome == ContactAttempt.Outcome.REACHED:
        # The youth's "last reached" and status were brought up to date when the attempt was
        # saved (ContactAttempt.save); here the case.
        day = timezone.localtime(at).date()
        case = OutreachCase.objects.filter(period=period).first() if period else None
        if case is not None:
            case.reached_on = case.reached_on or day
            case.save(update_fields=["reached_on"])
            open_step_tasks_cancel(case=case, reason="nådd")
    return attempt


def open_step_tasks_cancel(*, case: OutreachCase, reason: str) -> int:
    """Cancel the case's open routine tasks (the youth was reached, the period ended)."""
    return (
        Task.objects.filter(case=case, status=Task.Status.OPEN)
        .filter(Q(kind=Task.Kind.STEP, step__only_if_not_reached=True) | Q(kind=Task.Kind.RETRY))
        .update(status=Task.Status.CANCELLED, cancel_reason=reason)
    )


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


def follow_up_due(
    *, category: str, next_step: str, on: dt.date, studies_end: dt.date | None = None
) -> tuple[str, dt.date]:
    """The follow-up after reaching a youth, as (task kind, due date): one who wants help gets
    a planning within a week; one who studies, a follow-up when the studies end (else at the
    end of the term), at least three months on if they decline support; one who works or does
    something else, a follow-up after KAA_FOLLOW_UP_OCCUPIED_MONTHS (at least three if they
    decline); anyone else a meeting within a week."""
    if next_step == NextStep.WANTS_HELP:
        return Task.Kind.PLANNING, add_offset(on, 7, "days")
    if category == OccupationType.Category.STUDYING:
        due = studies_end or term_end(on)
        if next_step == NextStep.DECLINES:  # declines support: at least three months
            due = max(due, add_months(on, 3))
        return Task.Kind.FOLLOW_UP, due
    if category in (OccupationType.Category.WORKING, OccupationType.Category.OTHER):
        months = max(
            settings.KAA_FOLLOW_UP_OCCUPIED_MONTHS, 3 if next_step == NextStep.DECLINES else 0
        )
        return Task.Kind.FOLLOW_UP, add_months(on, months)
    return Task.Kind.MEETING, add_offset(on, 7, "days")


@transaction.atomic
def reached_record(
    *,
    youth: Youth,
    staff: User | None,
    channel: str,
    occupation_type: OccupationType,
    next_step: str,
    description: str = "",
    studies_end: dt.date | None = None,
    note: str = "",
    task: Task | None = None,
    direction: str = ContactAttempt.Direction.OUT,
    source: str = "contact",
    confirmed: bool = True,
) -> tuple[Task, ContactAttempt]:
    """Log "reached", record the occupation and schedule the follow-up by rule.

    The youth's own e-service answer goes through here too (no staff, direction "in",
    source "e-service", the occupation unconfirmed until the coach confirms it)."""
    attempt = contact_attempt_log(
        youth=youth,
        channel=channel,
        staff=staff,
        task=task,
        outcome=ContactAttempt.Outcome.REACHED,
        note=note,
        direction=direction,
    )
    day = timezone.localtime(attempt.at).date()
    youth_services.occupation_record(
        youth=youth,
        type=occupation_type,
        start_date=day,
        source=source,
        description=description,
        actor=staff,
        confirmed=confirmed,
    )
    kind, due = follow_up_due(
        category=occupation_type.category, next_step=next_step, on=day, studies_end=studies_end
    )
    return follow_up_replace(youth=youth, kind=kind, due=due), attempt


def follow_up_replace(*, youth: Youth, kind: str, due: dt.date) -> Task:
    """The new follow-up replaces any earlier one still open."""
    case = OutreachCase.objects.filter(youth=youth, closed_on__isnull=True).first()
    Task.objects.filter(youth=youth, status=Task.Status.OPEN, kind__in=FOLLOW_UP_KINDS).exclude(
        due_date=due, kind=kind
    ).update(status=Task.Status.CANCELLED, cancel_reason="ersatt av ny uppföljning")
    follow_up, _ = Task.objects.get_or_create(
        youth=youth,
        kind=kind,
        due_date=due,
        status=Task.Status.OPEN,
        defaults={"case": case, "title": str(Task.Kind(kind).label)},
    )
    return follow_up


@transaction.atomic
def task_complete(
    *, task: Task, staff: User, outcome: str = ContactAttempt.Outcome.SENT, note: str = ""
) -> ContactAttempt:
    """Mark a task done by logging the contact it stands for (bulk actions use this)."""
    channel = task.channel or Channel.PHONE
    # A one-way channel's task is "sent" unless the outcome given fits it (returned mail).
    if task.channel in ONE_WAY_CHANNELS and outcome not in outcomes_for(task.channel):
        outcome = ContactAttempt.Outcome.SENT
    return contact_attempt_log(
        youth=task.youth, channel=channel, outcome=outcome, staff=staff, task=task, note=note
    )


def digests_send(*, today: dt.date, base_url: str) -> int:
    """Morning summaries to staff who asked for them: counts only, at most one per user and
    day (claimed in the database before sending). Returns e-mails sent."""
    from django.db.models import Count

    from kaa.lib.emails import send_digest
    from outreach.calendar import week_end

    users = User.objects.filter(is_active=True, wants_email_digest=True).exclude(email="")
    sent = 0
    for user in users:
        counts = (
            Task.objects.visible_to(user)
            .filter(status=Task.Status.OPEN, youth__coach=user)
            .aggregate(
                overdue=Count("pk", filter=Q(due_date__lt=today)),
                today_count=Count("pk", filter=Q(due_date=today)),
                week=Count("pk", filter=Q(due_date__gt=today, due_date__lte=week_end(today))),
            )
        )
        if not any(counts.values()):
            continue
        claimed = (
            User.objects.filter(pk=user.pk)
            .exclude(digest_sent_on=today)
            .update(digest_sent_on=today)
        )
        if not claimed:  # already sent today (a second beat, or the task delivered twice)
            continue
        send_digest(
            to=user.email,
            context={
                **counts,
                "name": user.first_name or user.username,
                "url": base_url.rstrip("/") + "/uppsok/",
            },
        )
        sent += 1
    return sent
