"""Test data, one module per app: factory_boy factories for the rows (`build` for bulk
inserts, `create` for a row with exact dates) and `*_make` helpers for what must go through
the services (audit events, timeline lines, signals). The tests, the demo and the benchmarks
all make their data here (ADR 0007)."""

from demo.factories.kaa import MunicipalityFactory, TeamFactory, UserFactory
from demo.factories.outreach import ContactAttemptFactory, TaskFactory
from demo.factories.plans import (
    ActionPlanFactory,
    ConsentFactory,
    InterventionFactory,
    InterventionTypeFactory,
    SchoolNotificationFactory,
    consent_make,
    plan_make,
)
from demo.factories.youth import (
    AssignmentFactory,
    GuardianFactory,
    KaaPeriodFactory,
    NoteFactory,
    OccupationFactory,
    TimelineEntryFactory,
    YouthFactory,
    adult_make,
    born_aged,
    occupation_type,
    personnummer_for,
    reason,
    youth_make,
)

__all__ = [
    "ActionPlanFactory",
    "AssignmentFactory",
    "ConsentFactory",
    "ContactAttemptFactory",
    "GuardianFactory",
    "InterventionFactory",
    "InterventionTypeFactory",
    "KaaPeriodFactory",
    "MunicipalityFactory",
    "NoteFactory",
    "OccupationFactory",
    "SchoolNotificationFactory",
    "TaskFactory",
    "TeamFactory",
    "TimelineEntryFactory",
    "UserFactory",
    "YouthFactory",
    "adult_make",
    "born_aged",
    "consent_make",
    "occupation_type",
    "personnummer_for",
    "plan_make",
    "reason",
    "youth_make",
]
