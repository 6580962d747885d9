"""Re-checks after the exit: planned when a KAA period ends with studies or work, answered
by the coach (from a task in the work queue) or by the youth (through the e-service, with the
period's code, only inside a window around each re-check's date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import cast

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit import audit_bulk_change, audit_event
from kaa.models import AuditEvent, User
from outreach.calendar import add_months
from outreach.queue.models import Task
from outreach.rechecks.models import Answer, AnsweredVia, Destination, OutcomeRecheck
from youth.models import KaaPeriod, Occupation, OccupationType
from youth.register import services as youth_services

Action = AuditEvent.Action
Category = OccupationType.Category

# Deregistration reasons that themselves name studies as where the youth went.
STUDY_REASONS = frozenset({"PABORJAT_NATIONELLT_EL_MOTSV", "SLUTFORT_MED_EXAMEN"})
# A period that ended because the youth moved away or died gets no re-check (nor one that
# was registered in error: its reason is outside the target group).
NO_RECHECK_REASONS = frozenset({"EJ_FOLKBOKFORD_I_KOMMUNEN", "AVLIDEN"})
CATEGORY_DESTINATION = {
    Category.STUDYING: Destination.STUDYING,
    Category.WORKING: Destination.WORKING,
}
# The youth may answer from this many days before a re-check's date.
ESERVICE_OPENS_DAYS_BEFORE = 14


def _task_title(months: int) -> str:
    return _("Återkontroll %(months)s månader efter KAA") % {"months": months}


def _destinations(
    periods: list[KaaPeriod],
) -> dict[int, tuple[str, OccupationType | None]]:
    """Per period id, the destination it ended with: the confirmed occupation (studies or
    work) current on its last day, else studies when the deregistration reason names them."""
    by_youth: dict[int, list[Occupation]] = {}
    occupations = cast(
        Iterable[Occupation],
        Occupation.objects.filter(
            youth_id__in={p.youth_id for p in periods},
            confirmed=True,
            type__category__in=list(CATEGORY_DESTINATION),
        )
        .select_related("type")
        .order_by("-start_date", "-id"),
    )
    for occupation in occupations:
        by_youth.setdefault(occupation.youth_id, []).append(occupation)
    result: dict[int, tuple[str, OccupationType | None]] = {}
    for period in periods:
        reason = period.deregistration_reason
        if period.end_date is None or reason is None:
            continue
        if reason.outside_target_group or reason.code in NO_RECHECK_REASONS:
            continue
        end = period.end_date
        current = next(
            (
                o
                for o in by_youth.get(period.youth_id, [])
                if o.start_date <= end and (o.end_date is None or o.end_date >= end)
            ),
            None,
        )
        if current is not None:
            result[period.pk] = (
                CATEGORY_DESTINATION[Category(current.type.category)],
                current.type,
            )
        elif reason.code in STUDY_REASONS:
            result[period.pk] = (Destination.STUDYING, None)
    return result


def rechecks_plan(*, periods: Iterable[KaaPeriod]) -> list[OutcomeRecheck]:
    """The re-checks (and the coach's tasks) for periods that just ended with a destination,
    one per number of months in KAA_RECHECK_MONTHS. Idempotent per period and months."""
    periods = list(periods)
    destinations = _destinations(periods)
    wanted = [
        OutcomeRecheck(
            youth_id=period.youth_id,
            period=period,
            destination=destinations[period.pk][0],
            destination_type=destinations[period.pk][1],
            months=months,
            due_date=add_months(period.end_date, months),
        )
        for period in periods
        if period.pk in destinations and period.end_date is not None
        for months in settings.KAA_RECHECK_MONTHS
    ]
    if not wanted:
        return []
    OutcomeRecheck.objects.bulk_create(wanted, ignore_conflicts=True)
    made = list(
        OutcomeRecheck.objects.filter(
            period_id__in=list(destinations), answer="", cancelled_at__isnull=True
        )
    )
    Task.objects.bulk_create(
        [
            Task(
                youth_id=recheck.youth_id,
                kind=Task.Kind.RECHECK,
                ref=f"recheck:{recheck.pk}",
                due_date=recheck.due_date,
                title=_task_title(recheck.months)[:150],
                link=reverse("outreach:recheck", args=[recheck.pk]),
            )
            for recheck in made
        ],
        ignore_conflicts=True,
    )
    return made


def rechecks_cancel_on_return(*, period_ids: list[int]) -> int:
    """A youth back in KAA (a new KAA period opened) is followed by the routine again: the
    open re-checks of earlier periods are cancelled with their tasks, and the youth's timeline
    says so. Returns how many were cancelled."""
    youth_ids = set(
        KaaPeriod.objects.kaa().filter(pk__in=period_ids).values_list("youth_id", flat=True)
    )
    if not youth_ids:
        return 0
    rechecks = list(
        OutcomeRecheck.objects.select_for_update()
        .filter(youth_id__in=youth_ids, answer="", cancelled_at__isnull=True)
        .exclude(period_id__in=period_ids)
        .select_related("youth")
    )
    if not rechecks:
        return 0
    now = timezone.now()
    OutcomeRecheck.objects.filter(pk__in=[r.pk for r in rechecks]).update(cancelled_at=now)
    Task.objects.filter(
        ref__in=[f"recheck:{r.pk}" for r in rechecks], status=Task.Status.OPEN
    ).update(status=Task.Status.CANCELLED, cancel_reason="åter i KAA")
    for recheck in rechecks:
        recheck.cancelled_at = now
    audit_bulk_change(rechecks, action=Action.UPDATE, user=None, fields=["cancelled_at"])
    youth_services.timeline_add_many(
        [
            {
                "youth": recheck.youth,
                "kind": "recheck",
                "at": now,
                "summary": _(
                    "Återkontroll efter %(months)s månader avbruten: ungdomen är åter i KAA"
                )
                % {"months": recheck.months},
            }
            for recheck in rechecks
        ]
    )
    return len(rechecks)


def _settle(recheck: OutcomeRecheck, actor: User | None) -> None:
    Task.objects.filter(
        youth_id=recheck.youth_id, ref=f"recheck:{recheck.pk}", status=Task.Status.OPEN
    ).update(status=Task.Status.DONE, done_at=timezone.now(), done_by=actor)
    youth_services.timeline_add(
        youth=recheck.youth,
        kind="recheck",
        actor=actor,
        summary=_("Återkontroll efter %(months)s månader (%(via)s): %(answer)s")
        % {
            "months": recheck.months,
            "via": AnsweredVia(recheck.answered_via).label,
            "answer": Answer(recheck.answer).label,
        },
        url=reverse("outreach:recheck", args=[recheck.pk]),
    )


@transaction.atomic
def recheck_answer(
    *,
    recheck: OutcomeRecheck,
    actor: User,
    answer: str,
    now_type: OccupationType | None = None,
    description: str = "",
    record_occupation: bool = False,
) -> OutcomeRecheck:
    """The coach's answer. "Now doing something else" names what; that may also be recorded
    as the youth's occupation (source: the re-check)."""
    recheck = OutcomeRecheck.objects.select_for_update().select_related("youth").get(pk=recheck.pk)
    if not recheck.is_open:
        return recheck
    recheck.answer = answer
    recheck.now_type = now_type if answer == Answer.CHANGED else None
    recheck.now_description = description if answer == Answer.CHANGED else ""
    recheck.answered_via, recheck.answered_by = AnsweredVia.COACH, actor
    recheck.answered_at = timezone.now()
    if answer == Answer.CHANGED and now_type is not None and record_occupation:
        recheck.occupation = youth_services.occupation_record(
            youth=recheck.youth,
            type=now_type,
            start_date=timezone.localdate(),
            source=Occupation.Source.RECHECK,
            actor=actor,
            description=description,
        )
    recheck.save()
    audit_event(user=actor, action=Action.UPDATE, obj=recheck, detail="answered")
    _settle(recheck, actor)
    return recheck


def recheck_for_youth_answer(
    *, period_id: int, today: dt.date | None = None
) -> OutcomeRecheck | None:
    """The re-check the youth may answer through the e-service today: the period's latest one
    whose window (from ESERVICE_OPENS_DAYS_BEFORE days before its date to
    KAA_RECHECK_ESERVICE_DAYS after) holds today, if it is still unanswered."""
    today = today or timezone.localdate()
    latest = (
        OutcomeRecheck.objects.select_related("youth", "period")
        .filter(
            period_id=period_id,
            period__end_date__isnull=False,
            cancelled_at__isnull=True,
            youth__restricted_at__isnull=True,
            youth__anonymised_at__isnull=True,
            due_date__lte=today + dt.timedelta(days=ESERVICE_OPENS_DAYS_BEFORE),
            due_date__gte=today - dt.timedelta(days=settings.KAA_RECHECK_ESERVICE_DAYS),
        )
        .order_by("-due_date")
        .first()
    )
    return latest if latest is not None and latest.is_open else None


# What the youth says they do now, as the register's occupation type and whether that keeps
# the destination.
YOUTH_ACTIVITY_TYPE = {
    "studying": "ANNAN_UTBILDNING",
    "working": "ARBETE",
    "job_seeking": "ARBETSSOKANDE",
    "other": "ANNAN",
    "nothing": "SAKNAR",
}


@transaction.atomic
def recheck_answer_by_youth(
    *, recheck: OutcomeRecheck, activity: str, description: str = ""
) -> OutcomeRecheck:
    """The youth's own answer: held when what they do now is of the destination's kind
    (studies or work), else "now doing something else". Nothing in the register changes; the
    coach sees the answer on the timeline and the task is done."""
    recheck = OutcomeRecheck.objects.select_for_update().select_related("youth").get(pk=recheck.pk)
    if not recheck.is_open:
        return recheck
    now_type = OccupationType.objects.get(code=YOUTH_ACTIVITY_TYPE[activity])
    recheck.answer = Answer.HELD if now_type.category == recheck.destination else Answer.CHANGED
    recheck.now_type, recheck.now_description = now_type, description
    recheck.answered_via, recheck.answered_at = AnsweredVia.ESERVICE, timezone.now()
    recheck.save()
    audit_event(action=Action.CREATE, obj=recheck, detail="answered by the youth via e-service")
    _settle(recheck, None)
    return recheck
