"""Housekeeping jobs of the core. Thin wrappers: the work is in services."""

from __future__ import annotations

from celery import shared_task

from kaa.lib.joblock import single_run


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
@single_run
def sessions_purge_expired() -> int:
    """Delete expired sessions from the database; returns how many were removed."""
    from kaa.services import sessions_purge_expired as purge

    return purge()


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
@single_run
def login_attempts_purge_old(days: int = 90) -> int:
    """Forget failed-login records older than `days` (the audit log keeps the events)."""
    from kaa.services import login_attempts_purge_old as purge

    return purge(days=days)


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
@single_run
def audit_unattributed_purge() -> int:
    """Nightly: audit events of no municipality older than KAA_AUDIT_UNATTRIBUTED_MONTHS."""
    from django.conf import settings
    from django.utils import timezone

    from kaa.services import audit_unattributed_purge as purge

    return purge(today=timezone.localdate(), months=settings.KAA_AUDIT_UNATTRIBUTED_MONTHS)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
@single_run
def audit_ship() -> dict[str, int | str]:
    """Every 10 seconds: copy new audit events to the second store(s) (KAA_AUDIT_SINK)."""
    from kaa.audit_sink import ship_all

    return ship_all()


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
@single_run
def outbox_sweep() -> int:
    """Every minute: publish the background work whose commit-time publishing failed."""
    from kaa.outbox import sweep

    return sweep()


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
@single_run
def accounts_unused_disable() -> int:
    """Nightly: disable accounts whose link ran out without ever being used."""
    from kaa.accounts import unused_accounts_disable

    return unused_accounts_disable()
