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


@shared_task(bind=True, acks_late=True, max_retries=5, soft_time_limit=60, time_limit=90)
def send_message(self, message_id: int) -> str:
    """Send one SMS or e-mail; transient gateway errors retry with backoff, then give up."""
    from outreach.messaging import TransientSendError
    from outreach.services_messaging import message_give_up, message_send

    try:
        return message_send(message_id, delivery=self.request.id or "")
    except TransientSendError as exc:
        if self.request.retries >= self.max_retries:
            message_give_up(message_id, str(exc))
            return "failed"
        raise self.retry(exc=exc, countdown=60 * 2 ** self.request.retries) from exc


@shared_task(acks_late=True, soft_time_limit=600, time_limit=900)
@single_run
def digests_send() -> int:
    """Morning e-mail summary of overdue and due tasks, for staff who opted in."""
    from django.conf import settings
    from django.utils import timezone

    from outreach.services import digests_send as send

    return send(today=timezone.localdate(), base_url=settings.KAA_BASE_URL)
