"""The routine's answer to signals from below: a KAA period just opened gets its outreach case
and its first tasks when the registration commits, and a step just done moves the steps counted
from it when that commits, not at the next nightly run (which stays the repair)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


def _refresh(period_ids: list[int] | None = None, case_ids: list[int] | None = None) -> None:
    from outreach.routine.engine import cases_refresh

    try:
        with transaction.atomic():
            cases_refresh(period_ids=period_ids, case_ids=case_ids)
    except Exception:
        # What was saved stands; the nightly job (outreach.tasks.deadlines_refresh) repairs.
        log.exception("outreach case refresh failed")


# Periods opened and cases whose steps were done in the transaction under way (per thread):
# an import of 2000 youths, or a batch of 300 postcards, refreshes each case once after the
# commit. What a transaction that was rolled back left here is refreshed with the next one's;
# refreshing a case is always safe.
_pending = threading.local()


def _pending_ids(kind: str) -> set[int]:
    if not hasattr(_pending, kind):
        setattr(_pending, kind, set())
    ids: set[int] = getattr(_pending, kind)
    return ids


def _flush() -> None:
    period_ids, case_ids = sorted(_pending_ids("period_ids")), sorted(_pending_ids("case_ids"))
    _pending.period_ids, _pending.case_ids = set(), set()
    if period_ids:
        _refresh(period_ids=period_ids)
    if case_ids:
        _refresh(case_ids=case_ids)


def on_periods_opened(sender: Any, period_ids: list[int], **kwargs: Any) -> None:
    _pending_ids("period_ids").update(period_ids)
    transaction.on_commit(_flush)


def on_step_done(sender: Any, case_id: int, **kwargs: Any) -> None:
    _pending_ids("case_ids").add(case_id)
    transaction.on_commit(_flush)
