"""Reads of hand-overs: one youth's, and one for its page or its PDF."""

from __future__ import annotations

from plans.handover.models import HandOver
from youth.models import ScopedByYouth, Youth


def hand_overs_of(*, youth: Youth) -> ScopedByYouth:
    """The youth's hand-overs, latest first, with the partner and who handed them."""
    return HandOver.objects.filter(youth=youth).select_related("partner", "handed_by")


def hand_overs_for_detail() -> ScopedByYouth:
    """Hand-overs with what their page names (narrowed by the view's access check)."""
    return HandOver.objects.select_related("partner", "handed_by", "consent", "plan")
