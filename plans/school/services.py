"""School notifications (a school's duty to notify the home municipality, skollagen 15 kap.
15 §): received through a public form, handled by a coordinator.

Accepting one creates or matches the student by personnummer and starts either a KAA period
(the student has stopped) or a preventive case (risk of stopping, significant absence). The
school gets a receipt by e-mail that names the notice's number only, never the student.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa import outbox
from kaa.access import RESTRICTED_MESSAGE
from kaa.audit import audit_event
from kaa.lib.emails import send_school_receipt
from kaa.lib.joblock import xact_lock
from kaa.models import AuditEvent, User
from plans.school.models import SchoolNotification
from plans.school.preventive import preventive_case_open
from plans.school.selectors import youth_matching
from youth.models import KaaPeriod, Reason, Youth
from youth.register import services as youth_services

Action = AuditEvent.Action
Kind = SchoolNotification.Kind


class Handling:
    PERIOD = "period"  # register in KAA
    PREVENTIVE = "preventive"  # preventive case with the school
    LINK = "link"  # already known: note it on the youth's timeline


# A school that sends the very same notice again (a double click, a resubmit after a slow
# answer, the back button) within this window gets the notice already received: one notice
# in the inbox and one receipt. Any field typed differently makes it a new notice.
RESUBMIT_WINDOW = dt.timedelta(hours=24)


def notification_receive(*, data: dict[str, Any]) -> SchoolNotification:
    """Store a notice from the public form and send the school its receipt (after commit)."""
    notice = SchoolNotification(**data)
    notice.full_clean()
    with transaction.atomic():
        xact_lock("school-notice", notice.municipality_id)
        earlier = (
            SchoolNotification.objects.filter(
                **data, received_at__gte=timezone.now() - RESUBMIT_WINDOW
            )
            .order_by("pk")
            .first()
        )
        if earlier is not None:
            return earlier
        notice.save()
        audit_event(action=Action.CREATE, obj=notice, detail="school form")
        outbox.enqueue("plans.tasks.school_receipt_send", notice.pk)
    return notice


def receipt_send(pk: int) -> bool:
    """Idempotent: a receipt goes out once per notice, whatever retries happen."""
    with transaction.atomic():
        notice = (
            SchoolNotification.objects.select_for_update()
            .select_related("municipality")
            .filter(pk=pk, receipt_sent_at__isnull=True)
            .first()
        )
        if notice is None:
            return False
        send_school_receipt(
            to=notice.contact_email,
            context={
                "reference": notice.reference,
                "municipality": notice.municipality.name,
                "received": timezone.localtime(notice.received_at),
            },
        )
        notice.receipt_sent_at = timezone.now()
        notice.save(update_fields=["receipt_sent_at"])
    return True


def _handled(
    notice: SchoolNotification,
    *,
    actor: User,
    status: str,
    outcome: str,
    youth: Youth | None = None,
    reason: str = "",
) -> SchoolNotification:
    notice.status, notice.handled_at, notice.handled_by = status, timezone.now(), actor
    notice.outcome, notice.reject_reason, notice.youth = outcome[:200], reason[:300], youth
    notice.save(
        update_fields=["status", "handled_at", "handled_by", "outcome", "reject_reason", "youth"]
    )
    audit_event(
        user=actor,
        action=Action.UPDATE,
        obj=notice,
        detail=status,
        youth_id=youth.pk if youth else None,
    )
    return notice


def _still_new(notice: SchoolNotification) -> SchoolNotification:
    locked = SchoolNotification.objects.select_for_update().get(pk=notice.pk)
    if locked.status != SchoolNotification.Status.NEW:
        raise ValidationError(
            _("Anmälan är redan hanterad av %(who)s.")
            % {"who": locked.handled_by.get_full_name() if locked.handled_by else "–"}
        )
    return locked


@transaction.atomic
def notification_accept(
    *,
    notice: SchoolNotification,
    actor: User,
    handling: str,
    reason: Reason | None = None,
    start_date: dt.date | None = None,
) -> Youth:
    notice = _still_new(notice)
    summary = _("Anmäld av %(school)s: %(kind)s") % {
        "school": notice.school,
        "kind": notice.get_kind_display(),
    }
    details = {"former_school": notice.school[:200]}
    youth: Youth | None
    if handling == Handling.PERIOD:
        if reason is None:
            raise ValidationError({"reason": _("Välj en registreringsorsak.")})
        youth, _period = youth_services.youth_register(
            municipality=notice.municipality,
            personnummer=notice.personnummer,
            first_name=notice.first_name,
            last_name=notice.last_name,
            registration_reason=reason,
            start_date=start_date or notice.event_date,
            actor=actor,
            **details,
        )
        youth_services.timeline_add(
            youth=youth, kind="school_notice", actor=actor, summary=summary
        )
        outcome = _("Registrerad i KAA")
    elif handling == Handling.PREVENTIVE:
        youth = preventive_case_open(
            municipality=notice.municipality,
            actor=actor,
            personnummer=notice.personnummer,
            first_name=notice.first_name,
            last_name=notice.last_name,
            school=notice.school,
            reported_on=min(notice.event_date, timezone.localdate()),
            **details,
        )
        outcome = _("Förebyggande ärende")
    elif handling == Handling.LINK:
        youth = youth_matching(notice)
        if youth is None:
            raise ValidationError(
                _(
                    "Eleven finns inte i registret: välj att registrera i KAA "
                    "eller att öppna ett förebyggande ärende."
                )
            )
        if youth.restricted_at is not None:  # frozen (GDPR art. 18): nothing is added
            raise ValidationError(RESTRICTED_MESSAGE, code="restricted")
        youth_services.timeline_add(
            youth=youth, kind="school_notice", actor=actor, summary=summary
        )
        outcome = (
            _("Kopplad till pågående KAA-period")
            if KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).exists()
            else _("Kopplad till ungdomen")
        )
    else:
        raise ValidationError(_("Välj vad som ska göras med anmälan."))
    _handled(
        notice,
        actor=actor,
        status=SchoolNotification.Status.ACCEPTED,
        outcome=outcome,
        youth=youth,
    )
    return youth


@transaction.atomic
def notification_reject(
    *, notice: SchoolNotification, actor: User, reason: str
) -> SchoolNotification:
    if not reason.strip():
        raise ValidationError({"reject_reason": _("Skriv varför anmälan avvisas.")})
    notice = _still_new(notice)
    return _handled(
        notice,
        actor=actor,
        status=SchoolNotification.Status.REJECTED,
        outcome=_("Avvisad"),
        reason=reason.strip(),
    )
