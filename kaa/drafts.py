"""Form input saved when a session expired mid-edit, offered back after the next login."""

from __future__ import annotations

import time

from django.http import HttpRequest, QueryDict

from kaa.middleware import DRAFT_LIFETIME, SESSION_DRAFT


def pop_draft(request: HttpRequest) -> QueryDict | None:
    """Return (and forget) the draft posted to this path before the session expired."""
    draft = request.session.get(SESSION_DRAFT)
    if not draft or draft.get("path") != request.path:
        return None
    del request.session[SESSION_DRAFT]
    fresh = time.time() - draft.get("at", 0) <= DRAFT_LIFETIME
    if not fresh or draft.get("user") != request.user.pk:
        return None
    data = QueryDict(mutable=True)
    for key, values in draft["data"].items():
        data.setlist(key, values)
    return data
