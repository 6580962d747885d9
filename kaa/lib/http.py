"""Small request helpers shared by every app's views."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str | None = None) -> str:
    """The `next` target from POST or GET if it is a path on this site, else `default`. Only a
    path (starting with one "/") is taken: anything else given to `redirect()` would be tried
    as the name of a URL pattern first."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return target
    return default or settings.LOGIN_REDIRECT_URL


def request_key(request: HttpRequest) -> uuid.UUID | None:
    """The one-per-form-shown key a page puts in a hidden `key` field, so that a double click
    or a resubmit does the work once (kaa.lib.idempotent); None if missing or malformed."""
    try:
        return uuid.UUID(request.POST.get("key", ""))
    except ValueError:
        return None
