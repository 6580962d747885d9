"""Every model of plans, for Django and for other apps: each lives in its sub-domain's
package (conversations, consent, actionplans, meetings, school, catalogue, partners)."""

from __future__ import annotations

from plans.actionplans.models import (
    ActionPlan,
    ClosingConversation,
    Intervention,
    InterventionQuerySet,
    PlanFollowUp,
    PlanRevision,
)
from plans.catalogue.models import InterventionType, MeasureCode
from plans.common.fields import SENSITIVE_HELP
from plans.consent.models import Consent
from plans.conversations.models import MappingConversation
from plans.meetings.models import MeetingYouth, NetworkMeeting
from plans.partners.models import Partner, PartyKind
from plans.school.models import SchoolNotification

__all__ = [
    "SENSITIVE_HELP",
    "ActionPlan",
    "ClosingConversation",
    "Consent",
    "Intervention",
    "InterventionQuerySet",
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
]
