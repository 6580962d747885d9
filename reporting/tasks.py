"""Reporting jobs: the SCB file on demand and the half-yearly draft (kaa/schedule.py)."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
def scb_file_build(municipality_id: int, period: str, user_id: int | None,
                   override_reason: str = "", request_key: str | None = None) -> str:
    """Check and write one municipality's SCB file for a half-year, and archive it. Delivered
    twice for the same request (`request_key`), it builds the file once."""
    from django.utils import timezone

    from kaa.lib.idempotent import AlreadyDone, once
    from kaa.models import Municipality, User
    from reporting.models import ScbFile
    from reporting.scb.periods import HalfYear
    from reporting.services import file_build

    municipality = Municipality.objects.get(pk=municipality_id)
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        file, findings = once(ScbFile, request_key, lambda: file_build(
            municipality=municipality, period=HalfYear.parse(period), actor=actor,
            today=timezone.localdate(), override_reason=override_reason,
            request_key=request_key))
    except AlreadyDone:
        return "already built"
    if file is None:
        return f"refused: {findings.blocking} blocking problems"
    return f"file {file.pk}: {file.row_count} rows"


@shared_task(acks_late=True, soft_time_limit=3400, time_limit=3600)
@single_run
def scb_drafts_build() -> int:
    """Daily; after a half-year ends, check each municipality's report once and notify."""
    from django.utils import timezone

    from reporting.services import drafts_build

    return drafts_build(today=timezone.localdate())


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
def board_report_build(municipality_id: int, kind: str, start: str, end: str,
                       team_id: int | None, user_id: int | None,
                       request_key: str | None = None) -> str:
    """One board report (PDF and xlsx), requested from the reports page. Delivered twice for
    the same request (`request_key`), it builds the report once."""
    import datetime as dt

    from kaa.lib.idempotent import AlreadyDone, once
    from kaa.models import Municipality, Team, User
    from reporting.models import BoardReport
    from reporting.services_stats import SPAN_OF_KIND
    from reporting.services_stats import board_report_build as build
    from reporting.stats.periods import containing

    # The form only asks for whole months, tertials, halves and years: `start` fixes the span
    # (`end` stays in the signature for messages already queued).
    span = containing(SPAN_OF_KIND[kind], dt.date.fromisoformat(start))
    try:
        report = once(BoardReport, request_key, lambda: build(
            municipality=Municipality.objects.get(pk=municipality_id), kind=kind, span=span,
            team=Team.objects.filter(pk=team_id).first() if team_id else None,
            actor=User.objects.filter(pk=user_id).first() if user_id else None,
            request_key=request_key))
    except AlreadyDone:
        return "already built"
    return f"report {report.pk}"


@shared_task(acks_late=True, soft_time_limit=3400, time_limit=3600)
@single_run
def board_reports_scheduled() -> int:
    """Daily: the monthly, tertial, half-year and annual reports whose period just ended."""
    from django.utils import timezone

    from reporting.services_stats import scheduled_reports_build

    return scheduled_reports_build(today=timezone.localdate())


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
def stats_rollup_days(municipality_id: int, start: str, end: str) -> int:
    """Re-sum some already summed days after a back-dated change (idempotent)."""
    import datetime as dt

    from reporting.stats.rollup import rollup_days

    return rollup_days(municipality_id=municipality_id, start=dt.date.fromisoformat(start),
                       end=dt.date.fromisoformat(end))


@shared_task(acks_late=True, soft_time_limit=3400, time_limit=3600)
@single_run
def stats_rollup_refresh() -> int:
    """Nightly: sum the contacts of the days that can no longer change by rule."""
    from django.utils import timezone

    from reporting.stats.rollup import rollup_refresh

    return rollup_refresh(today=timezone.localdate())


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
@single_run
def retention_propose() -> int:
    """Weekly: what is due for gallring under each municipality's policies, as a proposal."""
    from django.utils import timezone

    from reporting.retention import propose_all

    return propose_all(today=timezone.localdate())


@shared_task(acks_late=True, soft_time_limit=3400, time_limit=3600)
def retention_execute(run_id: int) -> str:
    """Carry out an approved gallring (once; a second delivery finds it done)."""
    from reporting.retention import execute

    return execute(run_id)


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
@single_run
def orphan_files_delete() -> int:
    """Nightly: register extracts past their download time, then stored files no record names
    (a failed save or build), are deleted."""
    from reporting.extract import extracts_expire
    from reporting.files import orphans_delete

    return extracts_expire() + orphans_delete()


@shared_task(acks_late=True, soft_time_limit=300, time_limit=330)
def register_extract_build(extract_id: int) -> str:
    """One register extract, ordered from a youth's Dataskydd page (idempotent)."""
    from reporting.extract import extract_build

    return extract_build(extract_id)
