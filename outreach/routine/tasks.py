"""The routine's scheduled jobs (in kaa/schedule.py under their names): the full pass
"outreach.tasks.deadlines_refresh" once a night, and the incremental run
"outreach.tasks.deadlines_refresh_marked" every few minutes (the same result, looking only at
what changed: outreach.routine.engine)."""

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


@shared_task(
    name="outreach.tasks.deadlines_refresh_marked",
    acks_late=True,
    soft_time_limit=1700,
    time_limit=1800,
)
@single_run(name="outreach.tasks.deadlines_refresh_marked")
def deadlines_refresh_marked() -> str:
    """The same for the youths whose facts changed and the cases the calendar reached."""
    from outreach.routine.engine import deadlines_refresh_marked as refresh

    stats = refresh()
    return "locked: another run is active" if stats is None else str(stats)
