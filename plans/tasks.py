"""Scheduled jobs of plans (see kaa/schedule.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
def follow_up_tasks_refresh() -> int:
    """Every active plan and ongoing intervention has its follow-up task (idempotent)."""
    from plans.services import follow_up_tasks_refresh as refresh

    return refresh()
