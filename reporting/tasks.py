"""Every Celery task of the reporting app, for the worker's autodiscovery: each sub-domain's jobs
live in its own tasks module. A task keeps its Celery name, and the dotted paths below stay
valid for background work queued before the tasks moved (kaa.outbox imports by path)."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run
from reporting.board.tasks import board_report_build, board_reports_scheduled
from reporting.scb.tasks import scb_drafts_build, scb_file_build
from reporting.stats.tasks import stats_rollup_days, stats_rollup_refresh

__all__ = ["board_report_build", "board_reports_scheduled", "scb_drafts_build",
           "scb_file_build", "stats_rollup_days", "stats_rollup_refresh"]


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
