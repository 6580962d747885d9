"""Navigation by role: each role sees the links it may use, in the same order everywhere."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from kaa.access import Perm, has_perm

# (url name, label, permission or None for every logged-in user, group or None). Later apps add
# their pages here by URL name; a name that does not resolve yet is skipped. Pages with a group
# are gathered under one menu button (the setup and control pages a coordinator uses seldom),
# so the bar stays on one line on a laptop.
ADMIN_GROUP = _("Administrera")
NAVIGATION: list[tuple[str, Any, Perm | None, Any]] = [
    ("kaa:home", _("Start"), None, None),
    ("youth:list", _("Ungdomar"), Perm.VIEW_RECORDS, None),
    ("outreach:queue", _("Arbetskö"), Perm.VIEW_RECORDS, None),
    ("plans:overdue", _("Uppföljningar"), Perm.VIEW_RECORDS, None),
    ("plans:meeting_list", _("Nätverksmöten"), Perm.VIEW_MUNICIPALITY_RECORDS, None),
    ("plans:school_inbox", _("Skolanmälningar"), Perm.ASSIGN_CASES, None),
    ("reporting:dashboard", _("Statistik"), Perm.VIEW_AGGREGATES, None),
    ("reporting:scb_list", _("SCB-rapport"), Perm.EXPORT, None),
    ("plans:catalogue", _("Insatser och parter"), Perm.CONFIGURE, ADMIN_GROUP),
    ("records:audit_list", _("Loggkontroll"), Perm.VIEW_AUDIT_LOG, ADMIN_GROUP),
    ("records:retention", _("Gallring"), Perm.CONFIGURE, ADMIN_GROUP),
    ("kaa:staff", _("Personal och behörigheter"), Perm.CONFIRM_ROLE_GRANTS, ADMIN_GROUP),
    ("youth:identification:queue", _("Identifiering"), Perm.ASSIGN_CASES, ADMIN_GROUP),
    ("admin:index", _("Administration"), Perm.MANAGE_STAFF, ADMIN_GROUP),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`nav_items`: the bar, where a group is one item with `children`; `nav_links`: every
    link in order (the start page lists them)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_links": []}
    items: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for name, label, perm, group in NAVIGATION:
        if perm is not None and not has_perm(user, perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        link = {"url": url, "label": label, "active": False}
        links.append(link)
        if group is None:
            items.append(link)
            continue
        key = str(group)
        if key not in groups:
            groups[key] = {
                "label": group,
                "children": [],
                "active": False,
                "id": f"nav-group-{len(groups) + 1}",
            }
            items.append(groups[key])
        groups[key]["children"].append(link)
    # The current page is the link with the longest address the path starts with (the SCB
    # pages lie under Statistik's address, and only one link is the current page).
    current = max(
        (
            link
            for link in links
            if request.path == link["url"]
            or (link["url"] != "/" and request.path.startswith(link["url"]))
        ),
        key=lambda link: len(link["url"]),
        default=None,
    )
    if current is not None:
        current["active"] = True
        for group_item in groups.values():
            group_item["active"] = current in group_item["children"]
    # A group of one is just a link.
    items = [item["children"][0] if len(item.get("children", ())) == 1 else item for item in items]
    return {
        "nav_items": items,
        "nav_links": links,
        "session_idle_seconds": settings.KAA_SESSION_IDLE_MINUTES * 60,
    }
