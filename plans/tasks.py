"""The Celery tasks of plans, each in its sub-domain; imported here so that Celery's
autodiscovery registers them, and so that the dotted paths "plans.tasks.<name>" that the beat
schedule and stored outbox rows use keep naming them."""

from __future__ import annotations

from plans.actionplans.tasks import follow_up_tasks_refresh
from plans.school.tasks import MAX_RETRIES, school_receipt_send

__all__ = ["MAX_RETRIES", "follow_up_tasks_refresh", "school_receipt_send"]
