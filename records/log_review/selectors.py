"""The audit log as a coordinator may search it (the loggkontroll page)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kaa.access import municipality_q
from kaa.audit import naming_youth_q
from kaa.lib.days import day_after, day_start
from kaa.models import AuditEvent, User
from youth.models import Youth
from youth.register.selectors import youth_list


def audit_events_for(*, user: User, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Audit events of the user's municipality matching the cleaned filter form."""
    qs = AuditEvent.objects.filter(municipality_q(user)).select_related("user")
    if filters.get("youth"):
        qs = qs.filter(naming_youth_q(filters["youth"]))
    if filters.get("youths") is not None:  # the youths a name or personnummer search found
        naming = Q(pk__in=[])
        for youth_id in filters["youths"]:
            naming |= naming_youth_q(youth_id)
        qs = qs.filter(naming)
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


YOUTH_MATCHES_MAX = 20


def youths_matching(*, user: User, text: str) -> list[Youth]:
    """The youths of the user's municipality whose name or personnummer matches (at most
    YOUTH_MATCHES_MAX), for the log search."""
    if not text.strip():
        return []
    found = youth_list(user=user, filters={}, search=text)
    return list(found.order_by("last_name", "first_name", "id")[:YOUTH_MATCHES_MAX])


def youth_names(*, user: User, events: list[AuditEvent]) -> dict[int, Youth]:
    """The youths the events on a page name, by id, in one query (a youth removed by gallring
    is not among them)."""
    ids = {e.youth_id for e in events if e.youth_id}
    if not ids or user.municipality_id is None:
        return {}
    found = Youth.objects.filter(municipality_id=user.municipality_id, pk__in=ids)
    return {y.pk: y for y in found}
