"""Writes for SMS and e-mail: queue after commit, send each message once through its gateway,
log every result as a contact."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import cast

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa import outbox
from kaa.audit import audit_event
from kaa.lib.idempotent import AlreadyDone, once
from kaa.models import AuditEvent, User
from kaa.validators import validate_header_text
from outreach.letters import merge
from outreach.messaging import gateways
from outreach.messaging.models import OutgoingMessage
from outreach.queue.models import ContactAttempt, Task
from outreach.queue.services import contact_attempt_log
from youth.models import Youth

MAX_SMS_LENGTH = 612  # four concatenated SMS parts
# The same text to the same person on the same channel within this time is refused unless the
# sender confirms (a "back" and "Skicka" again must not send it twice).
DUPLICATE_WINDOW = dt.timedelta(hours=24)
DUPLICATE = "duplicate"


def duplicate_sent(
    *, youth: Youth, channel: str, recipient: str, body: str
) -> OutgoingMessage | None:
    """The identical message queued or sent to this recipient within the window, if any."""
    return (
        OutgoingMessage.objects.filter(
            youth=youth,
            channel=channel,
            recipient=recipient,
            body=body,
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
        )
        .exclude(status=OutgoingMessage.Status.FAILED)
        .order_by("-created_at")
        .first()
    )


def _recipient(youth: Youth, channel: str, to_guardian: bool) -> str:
    if to_guardian:
        guardian = next(
            (g for g in youth.guardians.all() if (g.phone if channel == "sms" else g.email)), None
        )
        if guardian is None:
            raise ValidationError(
                _("Ingen vårdnadshavare har %(what)s.")
                % {"what": _("telefonnummer") if channel == "sms" else _("e-postadress")}
            )
        return guardian.phone if channel == "sms" else guardian.email
    value = (youth.phone or youth.phone_alt) if channel == "sms" else youth.email
    if not value:
        raise ValidationError(
            _("Ungdomen har inget %(what)s registrerat.")
            % {"what": _("telefonnummer") if channel == "sms" else _("e-postadress")}
        )
    return value


def eservice_line_ensure(youth: Youth, body: str) -> str:
    """Every SMS and e-mail to a youth in KAA carries their e-service link: added
    at the end unless the text already has the code (e.g. through {lank} or {kod})."""
    from outreach.eservice.services import access_code_for, access_code_link

    code = access_code_for(youth)
    if code is None or code.code in body or code.display in body:
        return body
    return body + "\n" + _("Berätta vad du gör: %(link)s") % {"link": access_code_link(code)}


@transaction.atomic
def message_queue(
    *,
    youth: Youth,
    channel: str,
    body: str,
    staff: User | None,
    subject: str = "",
    task: Task | None = None,
    to_guardian: bool = False,
    key: uuid.UUID | None = None,
    confirm_duplicate: bool = False,
) -> OutgoingMessage:
    """Queue an SMS or e-mail; the Celery task is enqueued only if this transaction commits.
    The same `key` twice (a double click) returns the first message and sends nothing more;
    the same text to the same recipient within DUPLICATE_WINDOW is refused (code "duplicate")
    unless `confirm_duplicate`. Merge fields are filled in and checked as in the letters."""

    def create() -> OutgoingMessage:
        if channel not in ("sms", "email"):
            raise ValidationError(_("Okänd kanal."))
        validate_header_text(subject)  # a line break would start a header of its own
        text = body.strip()
        if not text:
            raise ValidationError({"body": _("Skriv ett meddelande.")})
        try:
            text = merge.render(text, youth)
            title = merge.render(subject, youth)
        except ValidationError as exc:
            raise ValidationError({"body": exc.messages}) from exc
        validate_header_text(title)
        if not to_guardian:
            text = eservice_line_ensure(youth, text)
        if channel == "sms" and len(text) > MAX_SMS_LENGTH:
            raise ValidationError(
                {"body": _("Sms:et är för långt (högst %(n)s tecken).") % {"n": MAX_SMS_LENGTH}}
            )
        recipient = _recipient(youth, channel, to_guardian)
        earlier = duplicate_sent(youth=youth, channel=channel, recipient=recipient, body=text)
        if earlier is not None and not confirm_duplicate:
            raise ValidationError(
                _(
                    "Samma meddelande skickades till %(to)s den %(day)s kl. %(time)s. Skicka det "
                    "bara igen om det verkligen ska gå två gånger."
                )
                % {
                    "to": recipient,
                    "day": f"{timezone.localtime(earlier.created_at):%Y-%m-%d}",
                    "time": f"{timezone.localtime(earlier.created_at):%H:%M}",
                },
                code=DUPLICATE,
            )
        message = OutgoingMessage.objects.create(
            youth=youth,
            channel=channel,
            recipient=recipient,
            to_guardian=to_guardian,
            subject=title[:200],
            body=text,
            task=task,
            created_by=staff,
            **({"idempotency_key": key} if key is not None else {}),
        )
        audit_event(user=staff, action=AuditEvent.Action.CREATE, obj=message)
        outbox.enqueue("outreach.tasks.send_message", message.pk)
        return message

    try:
        return once(OutgoingMessage, key, create, key_field="idempotency_key")
    except AlreadyDone as done:
        return cast(OutgoingMessage, done.existing)  # once() found it among OutgoingMessages


# Longer than the send task's hard time limit (outreach.tasks.send_message): a claim still
# held after it belongs to a worker that is gone.
SEND_LEASE = dt.timedelta(minutes=3)


def message_send(pk: int, *, delivery: str = "") -> str:
    """Send one message at most once. A delivery (the task's id) claims the message by a
    conditional UPDATE: a queued one, or one "sending" whose claim lapsed or is this same
    delivery's (its worker died mid-send and the broker handed the task back). The gateway gets
    the message's idempotency key, so a send cut off after the gateway took it is not repeated.
    Another delivery of a message in flight (a task published twice) tries again later."""
    now = timezone.now()
    mine = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    if delivery:
        mine |= Q(claimed_by=delivery)
    claimed = (
        OutgoingMessage.objects.filter(pk=pk)
        .filter(
            Q(status=OutgoingMessage.Status.QUEUED)
            | Q(status=OutgoingMessage.Status.SENDING) & mine
        )
        .update(
            status=OutgoingMessage.Status.SENDING,
            attempts=F("attempts") + 1,
            claimed_by=delivery,
            claimed_until=now + SEND_LEASE,
        )
    )
    if not claimed:
        if OutgoingMessage.objects.filter(pk=pk, status=OutgoingMessage.Status.SENDING).exists():
            raise gateways.TransientSendError("another delivery is sending it")
        return "already handled"
    message = OutgoingMessage.objects.select_related("youth", "task", "created_by").get(pk=pk)
    key = str(message.idempotency_key)
    try:
        if message.channel == "sms":
            sent = gateways.sms_backend().send(to=message.recipient, body=message.body, key=key)
        else:
            sent = gateways.send_email(
                to=message.recipient, subject=message.subject, body=message.body, key=key
            )
    except SoftTimeLimitExceeded as exc:
        # Cut off mid-send: back in the queue with the same key (the gateway de-duplicates).
        _requeue(pk, "time limit")
        raise gateways.TransientSendError("time limit while sending") from exc
    except gateways.TransientSendError as exc:
        _requeue(pk, str(exc))
        raise
    except gateways.PermanentSendError as exc:
        message_give_up(pk, str(exc))
        return "failed"
    except Exception as exc:
        # Anything else (a gateway answer that cannot be read, ...): never left "sending" with
        # nobody to finish it; retried with the same key like a transient error.
        _requeue(pk, f"{type(exc).__name__}: {exc}")
        raise gateways.TransientSendError(f"unexpected {type(exc).__name__}") from exc
    with transaction.atomic():
        OutgoingMessage.objects.filter(pk=pk).update(
            status=OutgoingMessage.Status.SENT,
            sent_at=timezone.now(),
            external_id=sent.external_id[:100],
            last_error="",
            claimed_until=None,
        )
        contact_attempt_log(
            youth=message.youth,
            channel=message.channel,
            outcome=ContactAttempt.Outcome.SENT,
            staff=message.created_by,
            task=message.task,
            note=_("Till vårdnadshavare") if message.to_guardian else "",
        )
    return "sent"


def _requeue(pk: int, error: str) -> None:
    OutgoingMessage.objects.filter(pk=pk).update(
        status=OutgoingMessage.Status.QUEUED, claimed_until=None, last_error=error[:300]
    )


@transaction.atomic
def message_give_up(pk: int, reason: str) -> None:
    """After the last retry: failed, logged as an attempt that could not be sent; the task
    stays open for manual action."""
    message = OutgoingMessage.objects.select_related("youth", "created_by").get(pk=pk)
    if message.status == OutgoingMessage.Status.SENT:
        return
    OutgoingMessage.objects.filter(pk=pk).update(
        status=OutgoingMessage.Status.FAILED, last_error=reason[:300]
    )
    ContactAttempt.objects.create(
        youth=message.youth,
        channel=message.channel,
        outcome=ContactAttempt.Outcome.FAILED,
        at=timezone.now(),
        staff=message.created_by,
        note=_("Kunde inte skickas: %(r)s") % {"r": reason[:200]},
    )
