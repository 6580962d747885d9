"""Reads of consents for pages (whether one is valid is `validity`'s question)."""

from __future__ import annotations

from django.db.models import QuerySet

from kaa.access import ScopedQuerySet
from plans.consent.models import Consent
from youth.models import Youth


def consents_of(*, youth: Youth) -> QuerySet[Consent]:
    """The youth's consents, latest first, with the guardian and the other party named."""
    return Consent.objects.filter(youth=youth).select_related("guardian", "other_partner")


def consents_for_detail() -> ScopedQuerySet[Consent]:
    """Consents with everyone and everything their page and form name (narrowed to one by
    the view's access check)."""
    return Consent.objects.all().select_related(
        "guardian", "other_partner", "period", "paper_received_by", "ended_by", "created_by"
    )
