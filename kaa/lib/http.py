"""Small request helpers shared by every app's views."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str | None = None) -> str:
    """The `next` target from POST or GET if it stays on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default or settings.LOGIN_REDIRECT_URL


def int_ids(values: Iterable[str]) -> list[int]:
    """Ids from a form, ignoring anything that is not a plain decimal number that fits."""
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 19]


def request_key(request: HttpRequest) -> uuid.UUID | None:
    """The one-per-form-shown key a page puts in a hidden `key` field, so that a double click
    or a resubmit does the work once (kaa.lib.idempotent); None if missing or malformed."""
    try:
        return uuid.UUID(request.POST.get("key", ""))
    except ValueError:
        return None
