"""Every Celery task of the records app, for the worker's autodiscovery: each sub-domain's jobs
live in its own tasks module, and the nightly clean-up of stored files, which spans the register
extract and the files, lives here. They keep the Celery names they had in the reporting app
(reporting.tasks.*), which kaa/schedule.py uses."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run
from records.register_extract.tasks import register_extract_build
from records.retention.tasks import retention_execute, retention_propose

__all__ = [
    "orphan_files_delete",
    "register_extract_build",
    "retention_execute",
    "retention_propose",
]


@shared_task(
    name="reporting.tasks.orphan_files_delete",
    acks_late=True,
    soft_time_limit=1700,
    time_limit=1800,
)
@single_run(name="reporting.tasks.orphan_files_delete")
def orphan_files_delete() -> int:
    """Nightly: register extracts past their download time, then stored files no record names
    (a failed save or build), are deleted."""
    from records.files.services import orphans_delete
    from records.register_extract.services import extracts_expire

    return extracts_expire() + orphans_delete()
