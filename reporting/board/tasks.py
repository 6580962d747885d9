"""The board reports' jobs: one report on demand and the scheduled ones (kaa/schedule.py).
Their Celery names are the ones they had before they moved here (reporting.tasks.*)."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run


@shared_task(
    name="reporting.tasks.board_report_build",
    acks_late=True,
    soft_time_limit=1700,
    time_limit=1800,
)
def board_report_build(
    municipality_id: int,
    kind: str,
    start: str,
    end: str,
    team_id: int | None,
    user_id: int | None,
    request_key: str | None = None,
) -> str:
    """One board report (PDF and xlsx), requested from the reports page. Delivered twice for
    the same request (`request_key`), it builds the report once."""
    import datetime as dt

    from kaa.lib.idempotent import AlreadyDone, once
    from kaa.models import Municipality, Team, User
    from reporting.board.models import BoardReport
    from reporting.board.services import SPAN_OF_KIND
    from reporting.board.services import board_report_build as build
    from reporting.stats.periods import containing

    # The form only asks for whole months, tertials, halves and years: `start` fixes the span
    # (`end` stays in the signature for messages already queued).
    span = containing(SPAN_OF_KIND[kind], dt.date.fromisoformat(start))
    try:
        report = once(
            BoardReport,
            request_key,
            lambda: build(
                municipality=Municipality.objects.get(pk=municipality_id),
                kind=kind,
                span=span,
                team=Team.objects.filter(pk=team_id).first() if team_id else None,
                actor=User.objects.filter(pk=user_id).first() if user_id else None,
                request_key=request_key,
            ),
        )
    except AlreadyDone:
        return "already built"
    return f"report {report.pk}"


@shared_task(
    name="reporting.tasks.board_reports_scheduled",
    acks_late=True,
    soft_time_limit=3400,
    time_limit=3600,
)
@single_run(name="reporting.tasks.board_reports_scheduled")
def board_reports_scheduled() -> int:
    """Daily: the monthly, tertial, half-year and annual reports whose period just ended."""
    from django.utils import timezone

    from reporting.board.services import scheduled_reports_build

    return scheduled_reports_build(today=timezone.localdate())
