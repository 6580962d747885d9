"""The nightly identification job (see kaa/schedule.py). A thin wrapper around the service."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run


@shared_task(acks_late=True, soft_time_limit=3400, time_limit=3600)
@single_run
def identification_nightly() -> str:
    """Run the rule for every municipality that has a population store and new data since
    its last nightly run (idempotent: a second run the same night does nothing)."""
    from django.utils import timezone

    from youth.identification.services import runs_nightly

    done, failed = runs_nightly(on=timezone.localdate())
    return f"runs={done} failed={failed}"
