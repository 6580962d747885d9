"""Every model of the reporting app, from its sub-domains (Django finds them here): the SCB
report (reporting.scb.models), the board reports (reporting.board.models) and the daily contact
sums of the statistics (reporting.stats.models)."""

from __future__ import annotations

from reporting.board.models import BoardReport
from reporting.scb.models import ScbFile, ScbFileEntry, ScbProfileVerification, ScbReport
from reporting.stats.models import ContactDay, PeriodDay, RollupState

__all__ = [
    "BoardReport",
    "ContactDay",
    "PeriodDay",
    "RollupState",
    "ScbFile",
    "ScbFileEntry",
    "ScbProfileVerification",
    "ScbReport",
]
