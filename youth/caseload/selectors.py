"""Reads of the caseload: a coach's own open cases, the coaches one can assign."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from kaa.models import User
from youth.register.models import KaaPeriod, Youth
from youth.register.selectors import OPEN_STATUSES


def caseload_of(*, user: User, limit: int = 15) -> QuerySet[Youth]:
    """The coach's own open cases, not reached first (for the start page)."""
    return (
        Youth.objects.visible_to(user)
        .filter(coach=user, status__in=OPEN_STATUSES)
        .select_related("team")
        .order_by("status", "last_name")[:limit]
    )


def unassigned_in_kaa(*, user: User) -> QuerySet[Youth]:
    """Youths the user sees who are in KAA (an open period) and have no coach; the same rows
    as the register list filtered "I KAA: ja" and "Saknar coach"."""
    open_period = KaaPeriod.objects.filter(youth=OuterRef("pk"), end_date__isnull=True)
    return Youth.objects.visible_to(user).filter(Exists(open_period), coach__isnull=True)


def coaches_of(*, municipality_id: int) -> QuerySet[User]:
    return (
        User.objects.filter(
            municipality_id=municipality_id, is_active=True, role__in=["coach", "coordinator"]
        )
        .select_related("team")
        .order_by("first_name", "last_name")
    )
