"""The home-visit alarm's Celery tasks: the check every minute (kaa/schedule.py) and the
sending of one alert, under their "outreach.tasks.<name>" names."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run

MAX_RETRIES = 5


@shared_task(
    name="outreach.tasks.homevisit_alarms", acks_late=True, soft_time_limit=50, time_limit=55
)
@single_run(name="outreach.tasks.homevisit_alarms")
def homevisit_alarms() -> tuple[int, int]:
    """Alert and escalate for visits not checked out in time (each one once)."""
    from outreach.homevisits.services import alarms_check

    return alarms_check()


@shared_task(
    name="outreach.tasks.homevisit_alert_send",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
)
def homevisit_alert_send(visit_id: int, level: str, attempt: int = 0) -> int:
    """Send one visit's alert; a gateway that is down is tried again through the outbox (1,
    2, 4, 8 and 16 minutes), sending only what was not delivered."""
    from kaa import outbox
    from outreach.homevisits.services import alert_send
    from outreach.messaging.gateways import TransientSendError

    try:
        return alert_send(visit_id, level)
    except TransientSendError:
        if attempt < MAX_RETRIES:
            outbox.retry_later(
                "outreach.tasks.homevisit_alert_send", visit_id, level, attempt=attempt
            )
        return -1
