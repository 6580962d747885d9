"""Reads of the intervention catalogue."""

from __future__ import annotations

from django.db.models import QuerySet

from plans.catalogue.models import InterventionType


def catalogue_of(*, municipality_id: int) -> QuerySet[InterventionType]:
    """The municipality's catalogue, active and inactive entries, in their order."""
    return InterventionType.objects.filter(municipality_id=municipality_id)
