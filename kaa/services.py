"""Writes of the core."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.models import Session
from django.utils import timezone


def sessions_purge_expired() -> int:
    """Delete sessions past their expiry date; returns the number deleted."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def login_attempts_purge_old(*, days: int) -> int:
    """Delete django-axes attempt and access records older than `days`."""
    from axes.models import AccessAttempt, AccessFailureLog

    cutoff = timezone.now() - dt.timedelta(days=days)
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return attempts + failures
