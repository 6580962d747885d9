"""Every model of the youth register, imported from the sub-package that defines it, so that
Django finds them all (one `youth` app label, one migration history) and other apps import
them from one place (`youth.models`). Inside youth, a sub-package imports models from the
sub-package that owns them."""

from __future__ import annotations

from youth.caseload.models import Assignment
from youth.data_protection.models import DataRequest
from youth.identification.models import (
    CompletionRecord,
    EnrolmentRecord,
    PopulationRecord,
    Proposal,
    Run,
    Source,
    SourceDelivery,
    Ss12000Connection,
)
from youth.importing.models import ImportBatch
from youth.notes.models import Note, NoteRevision
from youth.register.models import (
    PERIOD_END_BEFORE_START,
    CaseStatus,
    ColumnMapping,
    FieldChange,
    Guardian,
    KaaPeriod,
    Occupation,
    OccupationType,
    Reason,
    ScopedByYouth,
    TimelineEntry,
    Youth,
    YouthQuerySet,
)

__all__ = [
    "PERIOD_END_BEFORE_START",
    "Assignment",
    "CaseStatus",
    "ColumnMapping",
    "CompletionRecord",
    "DataRequest",
    "EnrolmentRecord",
    "FieldChange",
    "Guardian",
    "ImportBatch",
    "KaaPeriod",
    "Note",
    "NoteRevision",
    "Occupation",
    "OccupationType",
    "PopulationRecord",
    "Proposal",
    "Reason",
    "Run",
    "ScopedByYouth",
    "Source",
    "SourceDelivery",
    "Ss12000Connection",
    "TimelineEntry",
    "Youth",
    "YouthQuerySet",
]
