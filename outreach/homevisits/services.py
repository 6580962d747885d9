"""Writes of home visits: planning one (never to the registered address of a youth with
protected identity), checking in and out, the outcome as a contact by each of the two staff,
and the alarm for a visit not checked out in time (sent once, escalated once)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa import outbox
from kaa.access import Perm, has_perm
from kaa.audit import audit_event
from kaa.models import AuditEvent, Municipality, Role, User
from outreach.homevisits.models import HomeVisit, HomeVisitDuty
from outreach.messaging import gateways
from outreach.queue.models import Channel, ContactAttempt, Task
from outreach.queue.services import contact_attempt_log
from youth.models import Youth
from youth.register import services as youth_services

Action = AuditEvent.Action
log = logging.getLogger(__name__)

PROTECTED_HOME_REFUSED = _(
    "Ett hembesök planeras aldrig till folkbokföringsadressen för en ungdom med skyddade "
    "personuppgifter (eller vars vårdnadshavare har det). Välj en annan överenskommen plats, "
    "till exempel ett möte på kontoret."
)
# What the pair can find at the door; "reached" is logged here too, the occupation is recorded
# afterwards on the youth's page.
OUTCOMES = [
    ContactAttempt.Outcome.REACHED,
    ContactAttempt.Outcome.REACHED_GUARDIAN,
    ContactAttempt.Outcome.NOBODY_HOME,
    ContactAttempt.Outcome.MESSAGE_LEFT,
]
MAX_VISIT = dt.timedelta(hours=8)


def outcome_choices() -> list[tuple[str, str]]:
    return [(o.value, str(o.label)) for o in OUTCOMES]


ALERT, ESCALATION = "alert", "escalation"


def second_staff_choices(staff: User) -> QuerySet[User]:
    """Whom a visit's second person may be: an active colleague of the planner's team (one
    without a team: any coach of the municipality), or a coordinator of the municipality."""
    others = User.objects.filter(
        is_active=True,
        municipality=staff.municipality,
        role__in=[Role.COACH, Role.COORDINATOR],
    ).exclude(pk=staff.pk)
    if staff.team_id:
        others = others.filter(Q(team_id=staff.team_id) | Q(role=Role.COORDINATOR))
    return others.order_by("first_name", "last_name", "username")


@transaction.atomic
def visit_plan(
    *,
    youth: Youth,
    staff: User,
    second_staff: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    place_note: str = "",
    task: Task | None = None,
) -> HomeVisit:
    """Plan a visit by `staff` and `second_staff` in the window [starts_at, ends_at]."""
    errors: dict[str, str] = {}
    if place == HomeVisit.Place.HOME and youth.location_protected:
        errors["place"] = PROTECTED_HOME_REFUSED
    if place == HomeVisit.Place.OTHER and not place_note.strip():
        errors["place_note"] = _("Skriv var ni ska träffas.")
    if not second_staff_choices(staff).filter(pk=second_staff.pk).exists():
        errors["second_staff"] = _("Välj en annan person ur ditt team (eller en samordnare).")
    if ends_at <= starts_at:
        errors["ends_at"] = _("Sluttiden måste vara efter starttiden.")
    elif ends_at - starts_at > MAX_VISIT:
        errors["ends_at"] = _("Ett hembesök får vara högst åtta timmar.")
    elif ends_at <= timezone.now():
        errors["ends_at"] = _("Sluttiden har redan passerat.")
    if task is not None and task.youth_id != youth.pk:
        errors["__all__"] = _("Uppgiften gäller en annan ungdom.")
    if errors:
        raise ValidationError(errors)
    visit = HomeVisit.objects.create(
        youth=youth,
        task=task,
        staff=staff,
        second_staff=second_staff,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        place_note=place_note.strip()[:200] if place == HomeVisit.Place.OTHER else "",
        created_by=staff,
    )
    audit_event(user=staff, action=Action.CREATE, obj=visit)
    local = timezone.localtime(starts_at)
    youth_services.timeline_add(
        youth=youth,
        kind="contact",
        actor=staff,
        summary=_("Hembesök planerat %(day)s %(start)s–%(end)s")
        % {
            "day": f"{local:%Y-%m-%d}",
            "start": f"{local:%H:%M}",
            "end": f"{timezone.localtime(ends_at):%H:%M}",
        },
    )
    return visit


def _stamp(visit: HomeVisit, user: User, when: Q, **values: object) -> bool:
    """Set `values` on the visit if `when` still holds (a conditional UPDATE: two taps, or the
    two phones at once, stamp it once)."""
    done = HomeVisit.objects.filter(when, pk=visit.pk).update(**values)
    if done:
        visit.refresh_from_db()
        audit_event(user=user, action=Action.UPDATE, obj=visit, detail=",".join(values))
    return bool(done)


def check_in(*, visit: HomeVisit, user: User) -> bool:
    """One of the pair arrived. Only the two staff check in."""
    if user.pk not in visit.staff_ids:
        raise ValidationError(_("Bara de två som gör besöket checkar in."))
    return _stamp(
        visit,
        user,
        Q(checked_in_at__isnull=True, cancelled_at__isnull=True),
        checked_in_at=timezone.now(),
        checked_in_by=user,
    )


def check_out(*, visit: HomeVisit, user: User) -> bool:
    """The pair left (one of them, or a coordinator who has spoken with them, taps it). A
    check-out before the alarm claims the visit stops the alarm (the same row, see
    alarms_check)."""
    if user.pk not in visit.staff_ids and not has_perm(user, Perm.VIEW_MUNICIPALITY_RECORDS):
        raise ValidationError(_("Bara de två som gör besöket, eller en samordnare, checkar ut."))
    return _stamp(
        visit,
        user,
        Q(checked_out_at__isnull=True, cancelled_at__isnull=True),
        checked_out_at=timezone.now(),
        checked_out_by=user,
    )


def cancel(*, visit: HomeVisit, user: User) -> bool:
    """A visit that will not happen (before anyone checked in): no alarm for it."""
    return _stamp(
        visit,
        user,
        Q(checked_in_at__isnull=True, cancelled_at__isnull=True),
        cancelled_at=timezone.now(),
    )


def acknowledge(*, visit: HomeVisit, user: User) -> bool:
    """Someone who may act on the visit has seen its alarm: the start page stops showing it."""
    return _stamp(
        visit,
        user,
        Q(alert_sent_at__isnull=False, acknowledged_at__isnull=True),
        acknowledged_at=timezone.now(),
        acknowledged_by=user,
    )


@transaction.atomic
def outcome_record(*, visit: HomeVisit, user: User, outcome: str, note: str = "") -> bool:
    """The visit's outcome, once: a contact (channel home visit) by each of the two staff,
    the first completing the visit's task."""
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": _("Välj vad som hände vid besöket.")})
    now = timezone.now()
    claimed = HomeVisit.objects.filter(
        pk=visit.pk, outcome_at__isnull=True, checked_out_at__isnull=False
    ).update(outcome=outcome, outcome_note=note[:500], outcome_at=now)
    if not claimed:
        return False
    visit.refresh_from_db()
    at = min(visit.checked_out_at or now, now)
    for person in (visit.staff, visit.second_staff):
        contact_attempt_log(
            youth=visit.youth,
            channel=Channel.HOME_VISIT,
            outcome=outcome,
            staff=person,
            at=at,
            note=note,
            task=visit.task,
        )
    audit_event(user=user, action=Action.UPDATE, obj=visit, detail="outcome")
    return True


@transaction.atomic
def duty_set(
    *, municipality: Municipality, coordinator: User | None, actor: User
) -> HomeVisitDuty:
    if coordinator is not None and not (
        coordinator.is_active
        and coordinator.role == Role.COORDINATOR
        and coordinator.municipality_id == municipality.pk
    ):
        raise ValidationError({"coordinator": _("Välj en samordnare i kommunen.")})
    duty, _created = HomeVisitDuty.objects.update_or_create(
        municipality=municipality, defaults={"coordinator": coordinator, "updated_by": actor}
    )
    audit_event(user=actor, action=Action.UPDATE, obj=duty, detail="coordinator")
    return duty


def alarms_check(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Claim every visit overdue for its alert or escalation and enqueue the sending. The
    claim (a conditional UPDATE of alert_sent_at or escalated_at) and the outbox row are one
    transaction: two workers, or a beat run twice, alert once; a check-out that came first
    leaves nothing to claim. Returns (alerts, escalations)."""
    now = now or timezone.now()
    first = dt.timedelta(minutes=settings.KAA_HOME_VISIT_ALERT_MINUTES)
    second = dt.timedelta(minutes=settings.KAA_HOME_VISIT_ESCALATE_MINUTES)
    open_visits = HomeVisit.objects.filter(checked_out_at__isnull=True, cancelled_at__isnull=True)
    counts = []
    for level, margin, field, also in (
        (ALERT, first, "alert_sent_at", {}),
        (ESCALATION, second, "escalated_at", {"alert_sent_at__isnull": False}),
    ):
        claimed = 0
        due = open_visits.filter(ends_at__lte=now - margin, **{f"{field}__isnull": True}, **also)
        for pk in due.values_list("pk", flat=True):
            with transaction.atomic():
                if open_visits.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now}):
                    outbox.enqueue("outreach.tasks.homevisit_alert_send", pk, level)
                    audit_event(
                        action=Action.UPDATE,
                        object_type="outreach.homevisit",
                        object_id=pk,
                        youth_id=HomeVisit.objects.values_list("youth_id", flat=True).get(pk=pk),
                        detail=field,
                        flagged=True,
                    )
                    claimed += 1
        counts.append(claimed)
    return counts[0], counts[1]


def alert_recipients(visit: HomeVisit, level: str) -> list[User]:
    """The alert: the coordinator on duty (nobody on duty: every coordinator of the
    municipality), the two staff and their teams. The escalation: every coordinator of the
    municipality, the two staff and their teams."""
    municipality_id = visit.youth.municipality_id
    active = User.objects.filter(is_active=True, municipality_id=municipality_id)
    coordinators = active.filter(role=Role.COORDINATOR)
    if level == ALERT:
        duty = HomeVisitDuty.objects.filter(municipality_id=municipality_id).first()
        if duty is not None and duty.coordinator_id:
            coordinators = coordinators.filter(pk=duty.coordinator_id)
    teams = {t for t in (visit.staff.team_id, visit.second_staff.team_id) if t}
    team = active.filter(
        Q(team_id__in=teams, role__in=[Role.COACH, Role.COORDINATOR]) | Q(pk__in=visit.staff_ids)
    )
    return list((coordinators | team).distinct().order_by("pk"))


def alert_text(visit: HomeVisit, level: str) -> tuple[str, str]:
    """Subject and text. Like every message to staff it names no youth: the staff, the
    planned end and a link to the visit."""
    from django.urls import reverse

    link = settings.KAA_BASE_URL.rstrip("/") + reverse(
        "outreach:homevisit_detail", args=[visit.pk]
    )
    values = {
        "pair": f"{visit.staff} och {visit.second_staff}",
        "end": f"{timezone.localtime(visit.ends_at):%H:%M}",
        "link": link,
    }
    if level == ESCALATION:
        subject = _("KAA larm (eskalerat): hembesök inte utcheckat")
        text = _(
            "ESKALERAT: hembesöket med %(pair)s skulle ha slutat %(end)s och är fortfarande "
            "inte utcheckat. Ring dem nu. %(link)s"
        )
    else:
        subject = _("KAA larm: hembesök inte utcheckat")
        text = _(
            "Hembesöket med %(pair)s skulle ha slutat %(end)s men är inte utcheckat. "
            "Ring dem. %(link)s"
        )
    return subject, text % values


def alert_send(pk: int, level: str) -> int:
    """Deliver one visit's alert (or escalation) by SMS and e-mail to each recipient, skipping
    what was delivered before (a retry). A gateway that refuses one message does not stop the
    others; a transient error is raised after trying everyone, for the task to retry."""
    visit = cast(
        HomeVisit,
        HomeVisit.objects.select_related("youth", "staff", "second_staff").get(pk=pk),
    )
    subject, text = alert_text(visit, level)
    done = set(visit.deliveries)
    delivered, transient = 0, None
    for person in alert_recipients(visit, level):
        for channel, address in (("sms", person.mobile), ("email", person.email)):
            key = f"homevisit-{pk}-{level}-{person.pk}-{channel}"
            if not address or key in done:
                continue
            try:
                if channel == "sms":
                    gateways.sms_backend().send(to=address, body=text, key=key)
                else:
                    gateways.send_email(to=address, subject=subject, body=text, key=key)
            except gateways.TransientSendError as exc:
                transient = exc
                continue
            except gateways.PermanentSendError as exc:
                log.warning("home-visit alert %s refused: %s", key, exc)
            done.add(key)
            delivered += 1
            HomeVisit.objects.filter(pk=pk).update(deliveries=sorted(done))
    if transient is not None:
        raise transient
    return delivered
