"""Outreach models: routines, cases, tasks and the contact log (core), and templates and
outgoing messages (messaging)."""

from __future__ import annotations

from outreach.models.core import (
    FAILED_OUTCOMES,
    ONE_WAY_CHANNELS,
    REACHED_OUTCOMES,
    UNSUCCESSFUL_OUTCOMES,
    Anchor,
    Channel,
    ContactAttempt,
    OutreachCase,
    Routine,
    RoutineStep,
    ScopedByYouth,
    Task,
)
from outreach.models.eservice import AccessCode, EserviceSubmission
from outreach.models.messaging import LetterBatch, MessageTemplate, OutgoingMessage

__all__ = [
    "AccessCode",
    "EserviceSubmission",
    "FAILED_OUTCOMES",
    "ONE_WAY_CHANNELS",
    "REACHED_OUTCOMES",
    "UNSUCCESSFUL_OUTCOMES",
    "Anchor",
    "Channel",
    "ContactAttempt",
    "LetterBatch",
    "MessageTemplate",
    "OutgoingMessage",
    "OutreachCase",
    "Routine",
    "RoutineStep",
    "ScopedByYouth",
    "Task",
]
