"""The routine's nightly job (scheduled in kaa/schedule.py under its name
"outreach.tasks.deadlines_refresh")."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run


@shared_task(
    name="outreach.tasks.deadlines_refresh", acks_late=True, soft_time_limit=1700, time_limit=1800
)
@single_run(name="outreach.tasks.deadlines_refresh")
def deadlines_refresh() -> str:
    """Create, move and cancel routine tasks for every open case (idempotent, locked)."""
    from outreach.routine.engine import deadlines_refresh as refresh

    stats = refresh()
    return "locked: another run is active" if stats is None else str(stats)
