"""The SCB report's jobs: a file on demand and the half-yearly draft (kaa/schedule.py). Their
Celery names are the ones they had before they moved here (reporting.tasks.*)."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run


@shared_task(
    name="reporting.tasks.scb_file_build", acks_late=True, soft_time_limit=1700, time_limit=1800
)
def scb_file_build(
    municipality_id: int,
    period: str,
    user_id: int | None,
    override_reason: str = "",
    request_key: str | None = None,
) -> str:
    """Check and write one municipality's SCB file for a half-year, and archive it. Delivered
    twice for the same request (`request_key`), it builds the file once."""
    from django.utils import timezone

    from kaa.lib.idempotent import AlreadyDone, once
    from kaa.models import Municipality, User
    from reporting.scb.models import ScbFile
    from reporting.scb.periods import HalfYear
    from reporting.scb.services import file_build

    municipality = Municipality.objects.get(pk=municipality_id)
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        file, findings = once(
            ScbFile,
            request_key,
            lambda: file_build(
                municipality=municipality,
                period=HalfYear.parse(period),
                actor=actor,
                today=timezone.localdate(),
                override_reason=override_reason,
                request_key=request_key,
            ),
        )
    except AlreadyDone:
        return "already built"
    if file is None:
        return f"refused: {findings.blocking} blocking problems"
    return f"file {file.pk}: {file.row_count} rows"


@shared_task(
    name="reporting.tasks.scb_drafts_build", acks_late=True, soft_time_limit=3400, time_limit=3600
)
@single_run(name="reporting.tasks.scb_drafts_build")
def scb_drafts_build() -> int:
    """Daily; after a half-year ends, check each municipality's report once and notify."""
    from django.utils import timezone

    from reporting.scb.services import drafts_build

    return drafts_build(today=timezone.localdate())
