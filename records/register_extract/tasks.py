"""The register extract's job. Its Celery name is the one it had in the reporting app."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    name="reporting.tasks.register_extract_build",
    acks_late=True,
    soft_time_limit=300,
    time_limit=330,
)
def register_extract_build(extract_id: int) -> str:
    """One register extract, ordered from a youth's Dataskydd page (idempotent)."""
    from records.register_extract.services import extract_build

    return extract_build(extract_id)
