"""Every Celery task of the reporting app, for the worker's autodiscovery: each sub-domain's jobs
live in its own tasks module. A task keeps its Celery name (reporting.tasks.*), and the dotted
paths reporting.tasks.* stay valid for background work queued before the tasks moved
(kaa.outbox imports by path): the records app's jobs, which were here, too."""

from __future__ import annotations

from records.tasks import (
    orphan_files_delete,
    register_extract_build,
    retention_execute,
    retention_propose,
)
from reporting.board.tasks import board_report_build, board_reports_scheduled
from reporting.scb.tasks import scb_drafts_build, scb_file_build
from reporting.stats.tasks import stats_rollup_days, stats_rollup_refresh

__all__ = [
    "board_report_build",
    "board_reports_scheduled",
    "orphan_files_delete",
    "register_extract_build",
    "retention_execute",
    "retention_propose",
    "scb_drafts_build",
    "scb_file_build",
    "stats_rollup_days",
    "stats_rollup_refresh",
]
