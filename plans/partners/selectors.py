"""Reads of partner organisations."""

from __future__ import annotations

from django.db.models import QuerySet

from plans.partners.models import Partner


def partners_of(*, municipality_id: int) -> QuerySet[Partner]:
    """The municipality's partner organisations, active and inactive, by name."""
    return Partner.objects.filter(municipality_id=municipality_id)
