"""Every outreach model, imported from the sub-package that defines it, so that Django finds
them all and other apps import them from one place (`outreach.models`). Inside outreach,
a sub-package imports models from the sub-package that owns them."""

from __future__ import annotations

from outreach.eservice.models import AccessCode, EserviceSubmission
from outreach.homevisits.models import HomeVisit, HomeVisitDuty
from outreach.letters.models import LetterBatch, MessageTemplate
from outreach.messaging.models import OutgoingMessage
from outreach.queue.models import (
    FAILED_OUTCOMES,
    LED_TO_CONTACT_DAYS,
    ONE_WAY_CHANNELS,
    REACHED_OUTCOMES,
    UNSUCCESSFUL_OUTCOMES,
    Channel,
    ContactAttempt,
    OutreachCase,
    Task,
)
from outreach.rechecks.models import OutcomeRecheck
from outreach.routine.models import Anchor, DeadlineMark, Routine, RoutineStep
from youth.models import ScopedByYouth

__all__ = [
    "AccessCode",
    "EserviceSubmission",
    "HomeVisit",
    "HomeVisitDuty",
    "FAILED_OUTCOMES",
    "LED_TO_CONTACT_DAYS",
    "ONE_WAY_CHANNELS",
    "REACHED_OUTCOMES",
    "UNSUCCESSFUL_OUTCOMES",
    "Anchor",
    "Channel",
    "ContactAttempt",
    "DeadlineMark",
    "LetterBatch",
    "MessageTemplate",
    "OutcomeRecheck",
    "OutgoingMessage",
    "OutreachCase",
    "Routine",
    "RoutineStep",
    "ScopedByYouth",
    "Task",
]
