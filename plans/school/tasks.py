"""The school's e-mail receipt, sent through the outbox. The task keeps the name and the
dotted path "plans.tasks.school_receipt_send" (plans.tasks imports it), which stored outbox
rows use."""

from __future__ import annotations

from celery import shared_task

MAX_RETRIES = 5


@shared_task(
    name="plans.tasks.school_receipt_send", acks_late=True, soft_time_limit=60, time_limit=90
)
def school_receipt_send(notice_id: int, attempt: int = 0) -> bool:
    """The school's e-mail receipt (no personal data); retried through the outbox with
    back-off if the mail server fails (kaa.outbox.retry_later), at most MAX_RETRIES times."""
    import logging

    from kaa import outbox
    from kaa.lib.emails import permanent_refusal
    from plans.school.services import receipt_send

    try:
        return receipt_send(notice_id)
    except Exception as exc:
        if permanent_refusal(exc):  # the mail server refused it for good: no retry
            logging.getLogger(__name__).error(
                "school receipt %s refused: %s", notice_id, type(exc).__name__
            )
            return False
        if not isinstance(exc, OSError):  # SMTP errors are OSErrors
            raise
        if attempt >= MAX_RETRIES:
            logging.getLogger(__name__).error(
                "school receipt %s not sent after %s attempts: %s",
                notice_id,
                attempt + 1,
                type(exc).__name__,
            )
            return False
        outbox.retry_later("plans.tasks.school_receipt_send", notice_id, attempt=attempt)
        return False
