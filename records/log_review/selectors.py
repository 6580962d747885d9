"""The audit log as a coordinator may search it (the loggkontroll page)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kaa.access import municipality_q
from kaa.audit import naming_youth_q
from kaa.lib.days import day_after, day_start
from kaa.models import AuditEvent, User


def audit_events_for(*, user: User, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Audit events of the user's municipality matching the cleaned filter form."""
    qs = AuditEvent.objects.filter(municipality_q(user)).select_related("user")
    if filters.get("youth"):
        qs = qs.filter(naming_youth_q(filters["youth"]))
    if filters.get("staff"):
        qs = qs.filter(user=filters["staff"])
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("date_from"):
        qs = qs.filter(at__gte=day_start(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(at__lt=day_after(filters["date_to"]))
    if filters.get("flagged"):
        qs = qs.filter(flagged=True)
    return qs.order_by("-at", "-id")
