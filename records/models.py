"""Every model of the records app, from its sub-domains (Django finds them here). They came
from reporting and kaa and keep their tables (migration 0001)."""

from __future__ import annotations

from records.log_review.models import AuditSample, AuditSampleFinding
from records.register_extract.models import RegisterExtract
from records.retention.models import RecordType, RetentionPolicy, RetentionRun

__all__ = [
    "AuditSample",
    "AuditSampleFinding",
    "RecordType",
    "RegisterExtract",
    "RetentionPolicy",
    "RetentionRun",
]
