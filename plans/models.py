"""Every model of plans (and the choices other apps use), for Django and for other apps: each
lives in its sub-domain's package (conversations, consent, actionplans, meetings, handover,
school, catalogue, partners). Code inside plans imports from those packages, never from here."""

from __future__ import annotations

from plans.actionplans.models import (
    ActionPlan,
    ClosingConversation,
    Intervention,
    PlanFollowUp,
    PlanRevision,
)
from plans.catalogue.models import InterventionType, MeasureCode
from plans.consent.models import Consent
from plans.conversations.models import MappingConversation
from plans.handover.models import HandOver, HandOverPart
from plans.meetings.models import MeetingYouth, NetworkMeeting
from plans.partners.models import Partner, PartyKind
from plans.school.models import SchoolNotification
from plans.ukaa.models import UkaaOffer

__all__ = [
    "ActionPlan",
    "ClosingConversation",
    "HandOver",
    "HandOverPart",
    "Consent",
    "Intervention",
    "InterventionType",
    "MappingConversation",
    "MeasureCode",
    "MeetingYouth",
    "NetworkMeeting",
    "Partner",
    "PartyKind",
    "PlanFollowUp",
    "PlanRevision",
    "SchoolNotification",
    "UkaaOffer",
]
