"""Slowing down login guessing from one client address without locking out the staff there.

django-axes locks an account after repeated failures (by username, from any address). An
address alone is never locked: behind a proxy that is not trusted, or behind one shared NAT,
an address is every member of staff. Instead every failed login from an address is counted,
whatever the username (counting only unknown usernames would tell, by the moment the address
is slowed down, whether the last username tried exists). After KAA_LOGIN_ADDRESS_LIMIT failures
within the lockout's cool-off time, a login from that address is refused before any password
is checked (429 with Retry-After, the same answer for every username) until the window ends,
unless the browser has logged in as the username typed before: a successful login leaves a
signed cookie naming (as a keyed hash) the usernames that logged in on that browser.

Counted in Redis like the public forms' limits (kaa.lib.ratelimit): if Redis is down the
slowing-down lapses and the account lockout, kept in the database, still holds.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from kaa.lib import ratelimit
from kaa.request_context import client_ip

_SALT = "kaa.login_guard.device"
_DEVICE_USERNAMES = 5  # usernames remembered per browser (a shared office computer)
THROTTLED = "kaa_login_throttled"  # request attribute: seconds to wait, set when refused
# Request attribute set on the identity provider's answer to a single sign-on (kaa.sso): no
# password is checked there, so neither the address limit nor the lockout counts or refuses
# it; kaa.sso logs its failures and refuses a locked-out account itself.
SSO_CALLBACK = "kaa_sso_callback"
SSO_LOGIN_DETAIL = "kaa_sso_login_detail"  # how, for the login's audit event


def _limit() -> ratelimit.Limit:
    window = max(60, int(settings.AXES_COOLOFF_TIME * 3600))
    return ratelimit.Limit("login-ip", settings.KAA_LOGIN_ADDRESS_LIMIT, window)


def _cookie_name() -> str:
    # The __Host- prefix pins the cookie to this host over HTTPS, as the session cookie.
    return ("__Host-" if settings.SESSION_COOKIE_SECURE else "") + "kaa_device"


def _tag(username: str) -> str:
    return salted_hmac(_SALT, username, algorithm="sha256").hexdigest()[:32]


def _device_tags(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(
        _cookie_name(), default=None, salt=_SALT, max_age=settings.KAA_LOGIN_DEVICE_DAYS * 86400
    )
    return value.split(".") if value else []


def device_known(request: HttpRequest, username: str) -> bool:
    """Has this browser logged in as `username` before (within KAA_LOGIN_DEVICE_DAYS)?"""
    return bool(username) and _tag(username) in _device_tags(request)


def device_remember(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a successful login: this browser is one that `username` logs in on."""
    tag = _tag(username)
    tags = [tag] + [t for t in _device_tags(request) if t != tag][: _DEVICE_USERNAMES - 1]
    response.set_signed_cookie(
        _cookie_name(),
        ".".join(tags),
        salt=_SALT,
        max_age=settings.KAA_LOGIN_DEVICE_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def wait_seconds(request: HttpRequest, username: str) -> int:
    """Seconds before a login for `username` from this request's address is considered
    (0: now)."""
    address = client_ip(request)
    if not address:
        return 0
    count, left = ratelimit.current(_limit(), address)
    if count < settings.KAA_LOGIN_ADDRESS_LIMIT or device_known(request, username):
        return 0
    return left


def failure_count(request: HttpRequest | None) -> None:
    """Count a failed login against its client address; the moment the address reaches the
    limit is written to the audit log (flagged) for the operator."""
    if request is None or getattr(request, THROTTLED, False):
        return  # refused unchecked: must not prolong the window
    address = client_ip(request)
    if not address:
        return
    if ratelimit.count_up(_limit(), address) == settings.KAA_LOGIN_ADDRESS_LIMIT:
        from kaa.audit import audit_event
        from kaa.models import AuditEvent

        audit_event(
            request=request,
            action=AuditEvent.Action.LOCKED_OUT,
            flagged=True,
            detail=f"address slowed down after {settings.KAA_LOGIN_ADDRESS_LIMIT} failed logins",
        )


def throttled_response(request: HttpRequest, wait: int) -> HttpResponse:
    response = render(
        request,
        "registration/throttled.html",
        {"minutes": max(1, math.ceil(wait / 60))},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


class AddressThrottleBackend:
    """First of the authentication backends: refuses, before any password is checked, a login
    from an address that is being slowed down (every login form, the admin's too)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None or getattr(request, SSO_CALLBACK, False):
            return None
        wait = wait_seconds(request, username or "")
        if wait:
            setattr(request, THROTTLED, wait)
            raise PermissionDenied
        return None


def axes_exempt(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> bool:
    """django-axes neither counts nor refuses the identity provider's answer to a single
    sign-on: it carries no username or password (all such answers would count as one)."""
    return bool(getattr(request, SSO_CALLBACK, False))
