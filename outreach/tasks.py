"""Scheduled outreach jobs (see kaa/schedule.py)."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
@single_run
def deadlines_refresh() -> str:
    """Create, move and cancel routine tasks for every open case (idempotent, locked)."""
    from outreach.engine import deadlines_refresh as refresh

    stats = refresh()
    return "locked: another run is active" if stats is None else str(stats)


MAX_RETRIES = 5


@shared_task(bind=True, acks_late=True, soft_time_limit=60, time_limit=90)
def send_message(self, message_id: int, attempt: int = 0) -> str:
    """Send one SMS or e-mail; transient gateway errors retry with backoff (1, 2, 4, 8 and 16
    minutes), then give up. The retry goes through the outbox (kaa.outbox.retry_later): if
    the broker is down at that moment the retry waits for the sweeper instead of being lost."""
    from kaa import outbox
    from outreach.messaging import TransientSendError
    from outreach.services_messaging import message_give_up, message_send

    try:
        return message_send(message_id, delivery=self.request.id or "")
    except TransientSendError as exc:
        if attempt >= MAX_RETRIES:
            message_give_up(message_id, str(exc))
            return "failed"
        outbox.retry_later("outreach.tasks.send_message", message_id, attempt=attempt)
        return "retry"


@shared_task(acks_late=True, soft_time_limit=600, time_limit=900)
@single_run
def digests_send() -> int:
    """Morning e-mail summary of overdue and due tasks, for staff who opted in."""
    from django.conf import settings
    from django.utils import timezone

    from outreach.services import digests_send as send

    return send(today=timezone.localdate(), base_url=settings.KAA_BASE_URL)
