"""Authentication events into the audit log (ASVS 16.3.1)."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from kaa.audit import audit_event
from kaa.middleware import SESSION_AUTH_AT, SESSION_DRAFT, SESSION_LAST_SEEN
from kaa.models import AuditEvent


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_AUTH_AT] = now
        request.session[SESSION_LAST_SEEN] = now
        draft = request.session.get(SESSION_DRAFT)
        if draft and draft.get("user") != user.pk:
            del request.session[SESSION_DRAFT]  # another person's unsaved input
    audit_event(request=request, user=user, action=AuditEvent.Action.LOGIN)


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_event(request=request, user=user, action=AuditEvent.Action.LOGOUT)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    # Only the username that was typed, never the password (Django already masks it).
    audit_event(request=request, action=AuditEvent.Action.LOGIN_FAILED,
                username=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: HttpRequest | None = None, username: str | None = None,
                  **kwargs: Any) -> None:
    audit_event(request=request, action=AuditEvent.Action.LOCKED_OUT,
                username=str(username or "")[:150])
