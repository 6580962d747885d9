"""Writes of the core."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.models import Session
from django.utils import timezone

from kaa.models import User, UserSession


def sessions_purge_expired() -> int:
    """Delete sessions past their expiry date; returns the number deleted."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    # The session list forgets browsers whose session is gone (expired, logged out elsewhere).
    UserSession.objects.exclude(session_key__in=Session.objects.values("session_key")).delete()
    return deleted


def login_attempts_purge_old(*, days: int) -> int:
    """Delete django-axes attempt and access records older than `days`."""
    from axes.models import AccessAttempt, AccessFailureLog

    cutoff = timezone.now() - dt.timedelta(days=days)
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return attempts + failures


def audit_unattributed_purge(*, today: dt.date, months: int) -> int:
    """Delete audit events of no municipality (and about no youth) older than `months`
    (settings.KAA_AUDIT_UNATTRIBUTED_MONTHS; 0 keeps them), none before its own minimum
    (kaa.audit). The purge itself is logged with its count."""
    from django.db import transaction

    from kaa.audit import Action, audit_event, audit_purge
    from kaa.lib.days import day_start, months_before

    if months <= 0:
        return 0
    cutoff = day_start(months_before(today, months))
    with transaction.atomic():
        number = audit_purge(municipality_id=None, before=cutoff)
        if number:
            audit_event(
                action=Action.DELETE,
                object_type="kaa.auditevent",
                detail=f"gallring utan kommun: {number} händelser före {cutoff:%Y-%m-%d}",
            )
    return number


def session_started(*, user: User, session_key: str, ip: str | None, user_agent: str) -> None:
    UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "ip": ip,
            "user_agent": user_agent[:200],
            "created_at": timezone.now(),
            "last_seen_at": timezone.now(),
        },
    )


def session_seen(session_key: str) -> int:
    """Returns 0 if the session has no row (its key was changed, e.g. by a password change
    in the admin): the caller then starts one, so that it can still be seen and ended."""
    return UserSession.objects.filter(session_key=session_key).update(last_seen_at=timezone.now())


def sessions_end(*, user: User, keys: list[str] | None = None, except_key: str = "") -> int:
    """End some or all of a user's sessions (their browsers are logged out at once)."""
    rows = UserSession.objects.filter(user=user)
    if keys is not None:
        rows = rows.filter(session_key__in=keys)
    if except_key:
        rows = rows.exclude(session_key=except_key)
    ending = list(rows.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=ending).delete()
    UserSession.objects.filter(session_key__in=ending).delete()
    return len(ending)
