"""Form input saved when a session expired mid-edit, offered back after the next login.

The draft remembers where it was posted (`path`) and the page the form was on (`page`). A
form view that binds its form itself takes it with `pop_draft`; on every other page that
shows a form, `draft_for_page` hands it to the page's script (static/js/draft.js), which
fills the form posting to `path` in again.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, QueryDict

from kaa.middleware import DRAFT_LIFETIME, SESSION_DRAFT


def _take(request: HttpRequest, *, also_page: bool) -> dict[str, Any] | None:
    session = getattr(request, "session", None)
    draft = session.get(SESSION_DRAFT) if session is not None else None
    if not draft or session is None or not request.user.is_authenticated:
        return None
    here = {draft.get("path")} | ({draft.get("page")} if also_page else set())
    if request.path not in here:
        return None
    del session[SESSION_DRAFT]
    fresh = time.time() - draft.get("at", 0) <= DRAFT_LIFETIME
    if not fresh or draft.get("user") != request.user.pk:
        return None
    return draft


def pop_draft(request: HttpRequest) -> QueryDict | None:
    """Return (and forget) the draft posted to this path before the session expired."""
    draft = _take(request, also_page=False)
    if draft is None:
        return None
    data = QueryDict(mutable=True)
    for key, values in draft["data"].items():
        data.setlist(key, values)
    return data


def draft_for_page(request: HttpRequest) -> dict[str, Any] | None:
    """The draft of a form on this page (for the script that fills it in), taken once."""
    if request.method != "GET":
        return None
    draft = _take(request, also_page=True)
    return {"action": draft["path"], "data": draft["data"]} if draft else None
