"""Per-request facts (request id, client IP) for the audit log and the application log."""

from __future__ import annotations

import contextvars
import re
import uuid

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("kaa_request_id", default="")
_client_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "kaa_client_request_id", default=""
)
_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("kaa_ip", default=None)
_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "kaa_request", default=None
)

# A client's own X-Request-ID is kept only as these characters, at most this long.
_CLIENT_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._:-]")
CLIENT_REQUEST_ID_LENGTH = 64

Tokens = tuple[
    contextvars.Token[str],
    contextvars.Token[str],
    contextvars.Token[str | None],
    contextvars.Token[HttpRequest | None],
]


def current_request_id() -> str:
    """KAA's own id of this request: the audit log's correlation id."""
    return _request_id.get()


def current_client_request_id() -> str:
    """The id the client sent (X-Request-ID), sanitised; never used to correlate."""
    return _client_request_id.get()


def current_ip() -> str | None:
    return _ip.get()


def current_user_id() -> int | None:
    """The id of the user this request is made by, once authentication has looked at the
    session (never a name). Nothing is loaded here: a log line written before the user is
    known, or while the session is being read, gets None instead of a query of its own."""
    request = _request.get()
    if request is None:
        return None
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        # AuthenticationMiddleware's lazy user keeps what it loaded in _cached_user; login()
        # and logout() replace request.user itself with the new user.
        user = request.__dict__.get("_cached_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def current_view() -> str:
    """The name of the URL this request resolved to ("" before resolution, or none)."""
    request = _request.get()
    match = getattr(request, "resolver_match", None) if request is not None else None
    return match.view_name if match is not None else ""


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the address our own proxies saw when TRUSTED_PROXY_COUNT is set."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def begin(request: HttpRequest) -> Tokens:
    # Always our own id: a client that chose it could tie its events to another request's.
    request_id = uuid.uuid4().hex
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")[:1000]
    client_id = _CLIENT_ID_UNSAFE.sub("", incoming)[:CLIENT_REQUEST_ID_LENGTH]
    request.request_id = request_id  # type: ignore[attr-defined]
    request.client_request_id = client_id  # type: ignore[attr-defined]
    return (
        _request_id.set(request_id),
        _client_request_id.set(client_id),
        _ip.set(client_ip(request)),
        _request.set(request),
    )


def end(tokens: Tokens) -> None:
    _request_id.reset(tokens[0])
    _client_request_id.reset(tokens[1])
    _ip.reset(tokens[2])
    _request.reset(tokens[3])
