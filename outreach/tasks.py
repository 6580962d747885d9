"""Scheduled outreach jobs (see kaa/schedule.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
def deadlines_refresh() -> str:
    """Create, move and cancel routine tasks for every open case (idempotent, locked)."""
    from outreach.engine import deadlines_refresh as refresh

    stats = refresh()
    return "locked: another run is active" if stats is None else str(stats)
