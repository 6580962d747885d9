"""Scheduled jobs of plans (see kaa/schedule.py)."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
@single_run
def follow_up_tasks_refresh() -> int:
    """Every active plan and ongoing intervention has its follow-up task (idempotent)."""
    from plans.services import follow_up_tasks_refresh as refresh

    return refresh()


@shared_task(bind=True, acks_late=True, max_retries=5, soft_time_limit=60, time_limit=90)
def school_receipt_send(self, notice_id: int) -> bool:  # type: ignore[no-untyped-def]
    """The school's e-mail receipt (no personal data); retried if the mail server fails."""
    from plans.school import receipt_send

    try:
        return receipt_send(notice_id)
    except OSError as exc:  # SMTP errors are OSErrors
        raise self.retry(exc=exc, countdown=60 * 2 ** self.request.retries) from exc
