"""Writes for SMS and e-mail: queue after commit, send once, log every result."""

from __future__ import annotations

import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa import outbox
from kaa.audit import audit_event
from kaa.models import AuditEvent, User
from outreach import messaging
from outreach.models import ContactAttempt, OutgoingMessage, Task
from outreach.services import contact_attempt_log
from youth.models import Youth

MAX_SMS_LENGTH = 612  # four concatenated SMS parts


def _recipient(youth: Youth, channel: str, to_guardian: bool) -> str:
    if to_guardian:
        guardian = next((g for g in youth.guardians.all()
                         if (g.phone if channel == "sms" else g.email)), None)
        if guardian is None:
            raise ValidationError(_("Ingen vårdnadshavare har %(what)s.") % {
                "what": _("telefonnummer") if channel == "sms" else _("e-postadress")})
        return guardian.phone if channel == "sms" else guardian.email
    value = (youth.phone or youth.phone_alt) if channel == "sms" else youth.email
    if not value:
        raise ValidationError(_("Ungdomen har inget %(what)s registrerat.") % {
            "what": _("telefonnummer") if channel == "sms" else _("e-postadress")})
    return value


def eservice_line_ensure(youth: Youth, body: str) -> str:
    """Every SMS and e-mail to a youth in KAA carries their e-service link (issue #9): added
    at the end unless the text already has the code (e.g. through {lank} or {kod})."""
    from outreach.eservice import access_code_for, access_code_link

    code = access_code_for(youth)
    if code is None or code.code in body or code.display in body:
        return body
    return body + "\n" + _("Berätta vad du gör: %(link)s") % {"link": access_code_link(code)}


@transaction.atomic
def message_queue(*, youth: Youth, channel: str, body: str, staff: User | None,
                  subject: str = "", task: Task | None = None, to_guardian: bool = False,
                  key: uuid.UUID | None = None) -> OutgoingMessage:
    """Queue an SMS or e-mail; the Celery task is enqueued only if this transaction commits.
    The same `key` twice (a double click) returns the first message and sends nothing more."""
    if key is not None:
        earlier = OutgoingMessage.objects.filter(idempotency_key=key).first()
        if earlier is not None:
            return earlier
    if channel not in ("sms", "email"):
        raise ValidationError(_("Okänd kanal."))
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Skriv ett meddelande.")})
    if not to_guardian:
        body = eservice_line_ensure(youth, body)
    if channel == "sms" and len(body) > MAX_SMS_LENGTH:
        raise ValidationError({"body": _("Sms:et är för långt (högst %(n)s tecken).")
                               % {"n": MAX_SMS_LENGTH}})
    message = OutgoingMessage.objects.create(
        youth=youth, channel=channel, recipient=_recipient(youth, channel, to_guardian),
        to_guardian=to_guardian, subject=subject[:200], body=body, task=task, created_by=staff,
        **({"idempotency_key": key} if key is not None else {}))
    audit_event(user=staff, action=AuditEvent.Action.CREATE, obj=message)
    outbox.enqueue("outreach.tasks.send_message", message.pk)
    return message


def message_send(pk: int) -> str:
    """Send one message at most once (claim by a conditional UPDATE; the gateway gets the
    idempotency key in case a redelivered task claims a message that was in flight)."""
    claimed = (OutgoingMessage.objects.filter(pk=pk, status__in=[OutgoingMessage.Status.QUEUED,
                                                                 OutgoingMessage.Status.SENDING])
               .update(status=OutgoingMessage.Status.SENDING, attempts=F("attempts") + 1))
    if not claimed:
        return "already handled"
    message = OutgoingMessage.objects.select_related("youth", "task", "created_by").get(pk=pk)
    key = str(message.idempotency_key)
    try:
        if message.channel == "sms":
            sent = messaging.sms_backend().send(to=message.recipient, body=message.body, key=key)
        else:
            sent = messaging.send_email(to=message.recipient, subject=message.subject,
                                        body=message.body, key=key)
    except SoftTimeLimitExceeded as exc:
        # Cut off mid-send: back in the queue with the same key (the gateway de-duplicates).
        OutgoingMessage.objects.filter(pk=pk).update(status=OutgoingMessage.Status.QUEUED,
                                                     last_error="time limit")
        raise messaging.TransientSendError("time limit while sending") from exc
    except messaging.TransientSendError as exc:
        OutgoingMessage.objects.filter(pk=pk).update(status=OutgoingMessage.Status.QUEUED,
                                                     last_error=str(exc)[:300])
        raise
    except messaging.PermanentSendError as exc:
        message_give_up(pk, str(exc))
        return "failed"
    with transaction.atomic():
        OutgoingMessage.objects.filter(pk=pk).update(
            status=OutgoingMessage.Status.SENT, sent_at=timezone.now(),
            external_id=sent.external_id[:100], last_error="")
        contact_attempt_log(youth=message.youth, channel=message.channel,
                            outcome=ContactAttempt.Outcome.SENT, staff=message.created_by,
                            task=message.task, note=_("Till vårdnadshavare") if
                            message.to_guardian else "")
    return "sent"


@transaction.atomic
def message_give_up(pk: int, reason: str) -> None:
    """After the last retry: failed, logged as an attempt that could not be sent; the task
    stays open for manual action."""
    message = OutgoingMessage.objects.select_related("youth", "created_by").get(pk=pk)
    if message.status == OutgoingMessage.Status.SENT:
        return
    OutgoingMessage.objects.filter(pk=pk).update(status=OutgoingMessage.Status.FAILED,
                                                 last_error=reason[:300])
    ContactAttempt.objects.create(youth=message.youth, channel=message.channel,
                                  outcome=ContactAttempt.Outcome.FAILED, at=timezone.now(),
                                  staff=message.created_by,
                                  note=_("Kunde inte skickas: %(r)s") % {"r": reason[:200]})
