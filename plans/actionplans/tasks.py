"""Scheduled job of action plans (see kaa/schedule.py). Registered under its old name
"plans.tasks.follow_up_tasks_refresh", which the beat schedule uses; plans.tasks imports it."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run


@shared_task(
    name="plans.tasks.follow_up_tasks_refresh",
    acks_late=True,
    soft_time_limit=1700,
    time_limit=1800,
)
@single_run
def follow_up_tasks_refresh() -> int:
    """Every active plan and ongoing intervention has its follow-up task (idempotent)."""
    from plans.actionplans.work_queue import follow_up_tasks_refresh as refresh

    return refresh()
