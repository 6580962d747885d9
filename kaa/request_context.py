"""Per-request facts (request id, client IP) for the audit log and the application log."""

from __future__ import annotations

import contextvars
import re
import uuid

from django.conf import settings
from django.http import HttpRequest

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("kaa_request_id", default="")
_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("kaa_ip", default=None)

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9-]{8,32}$")


def current_request_id() -> str:
    return _request_id.get()


def current_ip() -> str | None:
    return _ip.get()


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the address our own proxies saw when TRUSTED_PROXY_COUNT is set."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def begin(request: HttpRequest) -> tuple[contextvars.Token[str], contextvars.Token[str | None]]:
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
    request.request_id = request_id  # type: ignore[attr-defined]
    return _request_id.set(request_id), _ip.set(client_ip(request))


def end(tokens: tuple[contextvars.Token[str], contextvars.Token[str | None]]) -> None:
    _request_id.reset(tokens[0])
    _ip.reset(tokens[1])
