"""Gallring's jobs: the weekly proposal (kaa/schedule.py) and an approved run. Their Celery
names are the ones they had in the reporting app (reporting.tasks.*)."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run


@shared_task(
    name="reporting.tasks.retention_propose", acks_late=True, soft_time_limit=1700, time_limit=1800
)
@single_run(name="reporting.tasks.retention_propose")
def retention_propose() -> int:
    """Weekly: what is due for gallring under each municipality's policies, as a proposal."""
    from django.utils import timezone

    from records.retention.services import propose_all

    return propose_all(today=timezone.localdate())


@shared_task(
    name="reporting.tasks.retention_execute", acks_late=True, soft_time_limit=3400, time_limit=3600
)
def retention_execute(run_id: int) -> str:
    """Carry out an approved gallring (once; a second delivery finds it done)."""
    from records.retention.services import execute

    return execute(run_id)
