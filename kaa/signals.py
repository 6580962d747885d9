"""Authentication events into the audit log (ASVS 16.3.1)."""

from __future__ import annotations

import time
from typing import Any, cast

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from kaa import login_guard
from kaa.audit import audit_event
from kaa.middleware import (
    SESSION_AUTH_AT,
    SESSION_DRAFT,
    SESSION_IDP_MFA,
    SESSION_LAST_SEEN,
    SESSION_OIDC_ID_TOKEN,
)
from kaa.models import AuditEvent, User, UserSession
from kaa.request_context import current_ip
from kaa.services import session_started, sessions_end


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_AUTH_AT] = now
        request.session[SESSION_LAST_SEEN] = now
        draft = request.session.get(SESSION_DRAFT)
        if draft and draft.get("user") != user.pk:
            del request.session[SESSION_DRAFT]  # another person's unsaved input
        if not getattr(request, login_guard.SSO_CALLBACK, False):
            # What a single sign-on left counts only for the login it was part of.
            request.session.pop(SESSION_IDP_MFA, None)
            request.session.pop(SESSION_OIDC_ID_TOKEN, None)
        if not request.session.session_key:
            request.session.save()
        session_started(
            user=user,
            session_key=cast(str, request.session.session_key),  # saved just above
            ip=current_ip(),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    audit_event(
        request=request,
        user=user,
        action=AuditEvent.Action.LOGIN,
        detail=getattr(request, login_guard.SSO_LOGIN_DETAIL, ""),
    )


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and getattr(request, "session", None) is not None:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    if user is not None:
        audit_event(request=request, user=user, action=AuditEvent.Action.LOGOUT)


def _account(username: str) -> User | None:
    """The account a login was tried for (matched as authentication matches it), so that the
    event belongs to its municipality and its coordinators can review it. Who typed it is not
    known: the event's user stays empty. An unknown username belongs to no municipality."""
    if not username or "\x00" in username:  # no account has one; PostgreSQL refuses NUL
        return None
    return User.objects.filter(**{User.USERNAME_FIELD: username}).first()


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if getattr(request, login_guard.SSO_CALLBACK, False):
        return  # kaa.sso logged why, and whom the provider named; no password was tried
    # Only the username that was typed, never the password (Django already masks it).
    username = str(credentials.get("username", ""))[:150]
    throttled = bool(getattr(request, login_guard.THROTTLED, 0))
    audit_event(
        request=request,
        action=AuditEvent.Action.LOGIN_FAILED,
        username=username,
        obj=_account(username),
        detail="throttled" if throttled else "",
    )
    login_guard.failure_count(request)


@receiver(user_locked_out)
def on_locked_out(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    username = str(username or "")[:150]
    audit_event(
        request=request,
        action=AuditEvent.Action.LOCKED_OUT,
        username=username,
        obj=_account(username),
    )


@receiver(post_save, sender=User)
def on_user_saved(sender: Any, instance: User, **kwargs: Any) -> None:
    """Disabling an account ends every session it has, at once."""
    if not instance.is_active and UserSession.objects.filter(user=instance).exists():
        ended = sessions_end(user=instance)
        audit_event(
            user=None,
            action=AuditEvent.Action.LOGOUT,
            obj=instance,
            detail=f"account disabled: {ended} sessions ended",
        )
