"""Reads of the routine: the municipality's versions and how many open cases follow each."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from kaa.access import municipality_q
from kaa.models import User
from outreach.routine.models import Routine


def routines_of(*, user: User) -> dict[str, Any]:
    routines = list(
        Routine.objects.filter(municipality_q(user))
        .prefetch_related("steps")
        .annotate(open_cases=Count("cases", filter=Q(cases__closed_on__isnull=True)))
    )
    current = next((r for r in routines if r.is_current), None)
    outdated = sum(r.open_cases for r in routines if not r.is_current)
    return {"routines": routines, "current": current, "outdated_cases": outdated}
