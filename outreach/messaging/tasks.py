"""Sending one message, as a Celery task named "outreach.tasks.send_message" (the outbox's rows
name it so)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from celery import shared_task

if TYPE_CHECKING:
    from celery import Task

MAX_RETRIES = 5


@shared_task(
    name="outreach.tasks.send_message",
    bind=True,
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
)
def send_message(self: Task, message_id: int, attempt: int = 0) -> str:
    """Send one SMS or e-mail; transient gateway errors retry with backoff (1, 2, 4, 8 and 16
    minutes), then give up. The retry goes through the outbox (kaa.outbox.retry_later): if
    the broker is down at that moment the retry waits for the sweeper instead of being lost."""
    from kaa import outbox
    from outreach.messaging.gateways import TransientSendError
    from outreach.messaging.services import message_give_up, message_send

    try:
        return message_send(message_id, delivery=self.request.id or "")
    except TransientSendError as exc:
        if attempt >= MAX_RETRIES:
            message_give_up(message_id, str(exc))
            return "failed"
        outbox.retry_later("outreach.tasks.send_message", message_id, attempt=attempt)
        return "retry"
