"""Scheduled register jobs (see kaa/schedule.py). Thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run
from youth.identification.tasks import identification_nightly  # noqa: F401  (registers it)


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
@single_run
def periods_close_at_20() -> int:
    """End the KAA period of every youth who has turned 20 (idempotent)."""
    from django.utils import timezone

    from youth.services import turning_20_deregister

    return turning_20_deregister(today=timezone.localdate())


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
@single_run
def youth_flags_refresh() -> int:
    """Recompute derived status and the missing-guardian flag for open cases (idempotent)."""
    from youth.services import youth_flags_refresh as refresh

    return refresh()
