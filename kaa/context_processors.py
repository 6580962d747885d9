"""Navigation by role: each role sees the links it may use, in the same order everywhere."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from kaa.access import Perm, has_perm

# (url name, label, permission or None for every logged-in user). Later apps add their pages
# here by URL name; a name that does not resolve yet is skipped.
NAVIGATION: list[tuple[str, Any, Perm | None]] = [
    ("kaa:home", _("Start"), None),
    ("youth:list", _("Ungdomar"), Perm.VIEW_RECORDS),
    ("outreach:queue", _("Arbetskö"), Perm.VIEW_RECORDS),
    ("plans:overdue", _("Uppföljningar"), Perm.VIEW_RECORDS),
    ("plans:meeting_list", _("Nätverksmöten"), Perm.VIEW_MUNICIPALITY_RECORDS),
    ("plans:school_inbox", _("Skolanmälningar"), Perm.ASSIGN_CASES),
    ("plans:catalogue", _("Insatser och parter"), Perm.CONFIGURE),
    ("reporting:dashboard", _("Statistik"), Perm.VIEW_AGGREGATES),
    ("reporting:scb_list", _("SCB-rapport"), Perm.EXPORT),
    ("kaa:audit_list", _("Loggkontroll"), Perm.VIEW_AUDIT_LOG),
    ("reporting:retention", _("Gallring"), Perm.CONFIGURE),
    ("admin:index", _("Administration"), Perm.MANAGE_STAFF),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, perm in NAVIGATION:
        if perm is not None and not has_perm(user, perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"url": url, "label": label, "active": active})
    return {"nav_items": items,
            "session_idle_seconds": settings.KAA_SESSION_IDLE_MINUTES * 60}
