"""What the plans part of the youth's page shows, read through each sub-domain's selectors."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from plans.actionplans.selectors import plans_of
from plans.consent.selectors import consents_of
from plans.consent.validity import consent_current
from plans.conversations.selectors import conversations_of
from plans.handover.selectors import hand_overs_of
from plans.meetings.selectors import meetings_of_youth
from plans.ukaa.models import UkaaOffer
from youth.models import KaaPeriod, Youth


def youth_tab_context(*, youth: Youth) -> dict[str, Any]:
    """The tab's context; `can_edit` is False until the view knows who asks."""
    today = timezone.localdate()
    context: dict[str, Any] = {
        "youth": youth,
        "consent": consent_current(youth, today),
        "consents": list(consents_of(youth=youth)),
        "conversations": list(conversations_of(youth=youth)[:20]),
        "plans": list(plans_of(youth=youth)),
        "meetings": list(meetings_of_youth(youth=youth)[:10]),
        "hand_overs": list(hand_overs_of(youth=youth)[:10]),
        "ukaa_offer": UkaaOffer.objects.filter(youth=youth)
        .select_related("ukaa_period")
        .order_by("-id")
        .first(),
        "open_period": KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).first(),
        "can_edit": False,
        "today": today,
    }
    context["active_plan"] = next((p for p in context["plans"] if p.is_active), None)
    return context
