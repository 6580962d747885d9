"""Reporting jobs: the SCB file on demand and the half-yearly draft (kaa/schedule.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
def scb_file_build(municipality_id: int, period: str, user_id: int | None,
                   override_reason: str = "") -> str:
    """Check and write one municipality's SCB file for a half-year, and archive it."""
    from django.utils import timezone

    from kaa.models import Municipality, User
    from reporting.scb.periods import HalfYear
    from reporting.services import file_build

    municipality = Municipality.objects.get(pk=municipality_id)
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    file, findings = file_build(municipality=municipality, period=HalfYear.parse(period),
                                actor=actor, today=timezone.localdate(),
                                override_reason=override_reason)
    if file is None:
        return f"refused: {findings.blocking} blocking problems"
    return f"file {file.pk}: {file.row_count} rows"


@shared_task(acks_late=True, soft_time_limit=3400, time_limit=3600)
def scb_drafts_build() -> int:
    """Daily; after a half-year ends, check each municipality's report once and notify."""
    from django.utils import timezone

    from reporting.services import drafts_build

    return drafts_build(today=timezone.localdate())
