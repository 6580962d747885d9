"""The youth's e-service: personal codes, checking code and birth date, and what a
submitted answer does (a contact of channel "e-service", an unconfirmed occupation, the
routine's tasks rescheduled, a task in the coach's work queue).

The public views call only `code_check` and `submission_save`; nothing here tells a caller
whether a code exists unless the caller also knew the birth date that goes with it.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit import audit_event
from kaa.models import AuditEvent, User
from outreach.eservice.models import AccessCode, EserviceSubmission, code_new, code_normalise
from outreach.queue import services
from outreach.queue.models import Channel, ContactAttempt, Task
from outreach.queue.services import NextStep
from outreach.rechecks.models import OutcomeRecheck
from outreach.rechecks.services import recheck_for_youth_answer
from youth.models import KaaPeriod, Occupation, OccupationType, Youth
from youth.register import services as youth_services

Action = AuditEvent.Action
Activity = EserviceSubmission.Activity

# What the youth says they do, as the register's occupation type (the coach may pick a more
# exact one when confirming).
ACTIVITY_TYPE = {
    Activity.STUDYING: "ANNAN_UTBILDNING",
    Activity.WORKING: "ARBETE",
    Activity.JOB_SEEKING: "ARBETSSOKANDE",
    Activity.OTHER: "ANNAN",
    Activity.NOTHING: "SAKNAR",
}


def access_code_for(youth: Youth, *, create: bool = True) -> AccessCode | None:
    """The youth's live code for the open KAA period, made on first use (unless `create` is
    False: a form only showing the text); None outside KAA."""
    period = KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).first()
    if period is None:
        return None
    live = AccessCode.objects.filter(period=period, revoked_at__isnull=True).first()
    if live is not None or not create:
        return live
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return AccessCode.objects.create(youth=youth, period=period, code=code_new())
        except IntegrityError:
            # A code collision (unlikely) or a concurrent first use: the latter's code wins.
            live = AccessCode.objects.filter(period=period, revoked_at__isnull=True).first()
            if live is not None:
                return live
    raise RuntimeError("could not make a unique access code")


def access_codes_for(youths: list[Youth]) -> dict[int, AccessCode | None]:
    """`access_code_for` of many youths at once (a letter batch): two queries, plus one
    insert per code made on first use. None for a youth outside KAA."""
    periods = dict(
        KaaPeriod.objects.filter(youth__in=youths, end_date__isnull=True).values_list(
            "youth_id", "id"
        )
    )
    live = {
        code.period_id: code
        for code in AccessCode.objects.filter(
            period_id__in=periods.values(), revoked_at__isnull=True
        )
    }
    out: dict[int, AccessCode | None] = {}
    for youth in youths:
        period_id = periods.get(youth.pk)
        if period_id is None:
            out[youth.pk] = None
        elif period_id in live:
            out[youth.pk] = live[period_id]
        else:
            out[youth.pk] = access_code_for(youth)
    return out


def access_code_link(code: AccessCode) -> str:
    return settings.KAA_BASE_URL.rstrip("/") + reverse("eservice:start_code", args=[code.code])


@transaction.atomic
def access_code_revoke(*, code: AccessCode, actor: User) -> AccessCode | None:
    """Revoke a code (lost letter, wrong person); the next letter or SMS prints a new one."""
    code = AccessCode.objects.select_for_update().get(pk=code.pk)
    if code.revoked_at is None:
        code.revoked_at, code.revoked_by = timezone.now(), actor
        code.save(update_fields=["revoked_at", "revoked_by"])
        audit_event(user=actor, action=Action.UPDATE, obj=code, detail="revoked")
        youth_services.timeline_add(
            youth=code.youth,
            kind="eservice",
            actor=actor,
            summary=_("E-tjänstkoden spärrad; en ny kod skapas"),
        )
    return access_code_for(code.youth)


class Check(enum.Enum):
    OK = "ok"
    WRONG = "wrong"  # no such code, wrong birth date, or locked: one answer for all three
    ENDED = "ended"  # right code and birth date, but the KAA period has ended or revoked
    # The period has ended, and a re-check of where the youth went is open for the youth's
    # answer: the code opens that one question and nothing else.
    RECHECK = "recheck"


@dataclass
class CheckResult:
    status: Check
    code: AccessCode | None = None


@transaction.atomic
def code_check(*, text: str, birth_date: dt.date | None) -> CheckResult:
    """Code and birth date together. A wrong birth date counts against the code; after
    KAA_ESERVICE_LOCK_AFTER of them the code is locked for a while, whatever is entered."""
    normalised = code_normalise(text)
    code = (
        AccessCode.objects.select_for_update()
        .select_related("youth", "period")
        .filter(code=normalised)
        .first()
    )
    if code is None or birth_date is None:
        return CheckResult(Check.WRONG)
    now = timezone.now()
    if code.is_locked():
        return CheckResult(Check.WRONG)
    if code.youth.birth_date != birth_date:
        code.failed_attempts += 1
        if code.failed_attempts >= settings.KAA_ESERVICE_LOCK_AFTER:
            code.locked_until = now + dt.timedelta(minutes=settings.KAA_ESERVICE_LOCK_MINUTES)
            code.failed_attempts = 0
            audit_event(
                action=Action.LOCKED_OUT, obj=code, detail="eservice birth date", flagged=True
            )
        code.save(update_fields=["failed_attempts", "locked_until"])
        return CheckResult(Check.WRONG)
    if code.revoked_at is not None or code.youth.restricted_at is not None:
        return CheckResult(Check.ENDED)  # a frozen record takes no answers
    status = Check.OK
    if code.period.end_date is not None:
        if recheck_for_youth_answer(period_id=code.period_id) is None:
            return CheckResult(Check.ENDED)
        status = Check.RECHECK
    code.failed_attempts, code.last_used_at = 0, now
    code.save(update_fields=["failed_attempts", "last_used_at"])
    return CheckResult(status, code)


def recheck_usable(code_id: int) -> OutcomeRecheck | None:
    """The re-check a signed-in re-check session may answer, if the code still opens one."""
    code = (
        AccessCode.objects.filter(
            pk=code_id,
            revoked_at__isnull=True,
            period__end_date__isnull=False,
            youth__restricted_at__isnull=True,
        )
        .only("pk", "period_id", "locked_until")
        .first()
    )
    if code is None or code.is_locked():
        return None
    return recheck_for_youth_answer(period_id=code.period_id)


def code_usable(code_id: int) -> AccessCode | None:
    """The code a signed-in e-form session holds, if it still works."""
    code = (
        AccessCode.objects.select_related("youth", "period", "youth__municipality")
        .filter(
            pk=code_id,
            revoked_at__isnull=True,
            period__end_date__isnull=True,
            youth__restricted_at__isnull=True,
        )
        .first()
    )
    return None if code is None or code.is_locked() else code


def _summary(sub: EserviceSubmission) -> str:
    parts = []
    if sub.activity:
        parts.append(str(Activity(sub.activity).label))
    if sub.wants_contact:
        parts.append(_("vill bli kontaktad"))
    if sub.has_moved:
        parts.append(_("har flyttat"))
    return ", ".join(parts)


@transaction.atomic
def submission_save(*, code: AccessCode, data: dict[str, Any]) -> EserviceSubmission:
    """Store what the youth sent and act on it as on a logged contact that reached them."""
    youth = Youth.objects.select_for_update().get(pk=code.youth_id)
    sub = EserviceSubmission(youth=youth, access_code=code, **data)
    sub.full_clean(exclude=["attempt", "occupation"])
    note = _("Svar via e-tjänsten: %(what)s") % {"what": _summary(sub)}
    next_step = NextStep.WANTS_HELP if sub.wants_contact else NextStep.NONE
    if sub.activity:
        type_ = OccupationType.objects.get(code=ACTIVITY_TYPE[Activity(sub.activity)])
        description = ", ".join(
            p for p in (sub.school, sub.programme, sub.employer, sub.activity_other) if p
        )
        _follow_up, attempt = services.reached_record(
            youth=youth,
            staff=None,
            channel=Channel.ESERVICE,
            occupation_type=type_,
            next_step=next_step,
            description=description,
            studies_end=sub.studies_until,
            note=note,
            direction=ContactAttempt.Direction.IN,
            source=Occupation.Source.ESERVICE,
            confirmed=False,
        )
        sub.occupation = (
            Occupation.objects.filter(
                youth=youth, confirmed=False, source=Occupation.Source.ESERVICE
            )
            .order_by("-id")
            .first()
        )
    else:
        attempt = services.contact_attempt_log(
            youth=youth,
            channel=Channel.ESERVICE,
            outcome=ContactAttempt.Outcome.REACHED,
            staff=None,
            note=note,
            direction=ContactAttempt.Direction.IN,
        )
        if sub.wants_contact:
            day = timezone.localtime(attempt.at).date()
            kind, due = services.follow_up_due(category="unknown", next_step=next_step, on=day)
            services.follow_up_replace(youth=youth, kind=kind, due=due)
    sub.attempt = attempt
    sub.save()
    Task.objects.get_or_create(
        youth=youth,
        kind=Task.Kind.ESERVICE,
        due_date=timezone.localdate(),
        status=Task.Status.OPEN,
        ref=f"eservice:{sub.pk}",
        defaults={
            "title": str(Task.Kind.ESERVICE.label),
            "channel": Channel.ESERVICE,
            "link": reverse("outreach:eservice_review", args=[sub.pk]),
        },
    )
    youth_services.timeline_add(
        youth=youth,
        kind="eservice",
        summary=note,
        url=reverse("outreach:eservice_review", args=[sub.pk]),
    )
    audit_event(action=Action.CREATE, obj=sub, detail="by the youth via e-service")
    return sub


@transaction.atomic
def submission_review(
    *,
    sub: EserviceSubmission,
    actor: User,
    occupation_type: OccupationType | None = None,
    confirm: bool = True,
) -> EserviceSubmission:
    """The coach has read the answer: confirm the occupation (optionally more exactly) and
    take the task off the work queue."""
    if confirm and sub.occupation is not None and not sub.occupation.confirmed:
        youth_services.occupation_confirm(
            occupation=sub.occupation, actor=actor, type=occupation_type
        )
    if sub.reviewed_at is None:
        sub.reviewed_at, sub.reviewed_by = timezone.now(), actor
        sub.save(update_fields=["reviewed_at", "reviewed_by"])
        audit_event(user=actor, action=Action.UPDATE, obj=sub, detail="reviewed")
    Task.objects.filter(
        youth=sub.youth, kind=Task.Kind.ESERVICE, ref=f"eservice:{sub.pk}", status=Task.Status.OPEN
    ).update(status=Task.Status.DONE, done_at=timezone.now(), done_by=actor)
    return sub
