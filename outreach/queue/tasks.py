"""The work queue's scheduled job (in kaa/schedule.py under its name
"outreach.tasks.digests_send")."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run


@shared_task(
    name="outreach.tasks.digests_send", acks_late=True, soft_time_limit=600, time_limit=900
)
@single_run(name="outreach.tasks.digests_send")
def digests_send() -> int:
    """Morning e-mail summary of overdue and due tasks, for staff who opted in."""
    from django.conf import settings
    from django.utils import timezone

    from outreach.queue.services import digests_send as send

    return send(today=timezone.localdate(), base_url=settings.KAA_BASE_URL)
