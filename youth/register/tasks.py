"""The register's scheduled jobs (see kaa/schedule.py). Thin wrappers around services; their
Celery and lock names are the old "youth.tasks.<function>" ones (youth/tasks.py)."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run


@shared_task(
    name="youth.tasks.periods_close_at_20", acks_late=True, soft_time_limit=1700, time_limit=1800
)
@single_run(name="youth.tasks.periods_close_at_20")
def periods_close_at_20() -> int:
    """End the KAA period of every youth who has turned 20 (idempotent)."""
    from django.utils import timezone

    from youth.register.services import turning_20_deregister

    return turning_20_deregister(today=timezone.localdate())


@shared_task(
    name="youth.tasks.ukaa_periods_close_at_25",
    acks_late=True,
    soft_time_limit=1700,
    time_limit=1800,
)
@single_run(name="youth.tasks.ukaa_periods_close_at_25")
def ukaa_periods_close_at_25() -> int:
    """End the UKAA period of every youth who has turned 25 (idempotent)."""
    from django.utils import timezone

    from youth.register.services import ukaa_periods_end_at_25

    return ukaa_periods_end_at_25(today=timezone.localdate())


@shared_task(
    name="youth.tasks.youth_flags_refresh", acks_late=True, soft_time_limit=1700, time_limit=1800
)
@single_run(name="youth.tasks.youth_flags_refresh")
def youth_flags_refresh() -> int:
    """Recompute derived status and the missing-guardian flag for open cases (idempotent)."""
    from youth.register.services import youth_flags_refresh as refresh

    return refresh()
