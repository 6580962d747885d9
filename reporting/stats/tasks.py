"""The statistics' jobs: the daily contact sums, nightly and after a back-dated change
(kaa/schedule.py). Their Celery names are the ones they had before they moved here
(reporting.tasks.*)."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run


@shared_task(
    name="reporting.tasks.stats_rollup_days", acks_late=True, soft_time_limit=1700, time_limit=1800
)
def stats_rollup_days(municipality_id: int, start: str, end: str) -> int:
    """Re-sum some already summed days after a back-dated change (idempotent)."""
    import datetime as dt

    from reporting.stats.rollup import rollup_days

    return rollup_days(
        municipality_id=municipality_id,
        start=dt.date.fromisoformat(start),
        end=dt.date.fromisoformat(end),
    )


@shared_task(
    name="reporting.tasks.stats_rollup_refresh",
    acks_late=True,
    soft_time_limit=3400,
    time_limit=3600,
)
@single_run(name="reporting.tasks.stats_rollup_refresh")
def stats_rollup_refresh() -> int:
    """Nightly: sum the contacts of the days that can no longer change by rule."""
    from django.utils import timezone

    from reporting.stats.rollup import rollup_refresh

    return rollup_refresh(today=timezone.localdate())
