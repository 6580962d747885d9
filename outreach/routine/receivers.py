"""The routine's answer to signals from below: a KAA period just opened gets its outreach case
and its first tasks when the registration commits, and a step just done moves the steps counted
from it when that commits, not at the next nightly run (which stays the repair)."""

from __future__ import annotations

import logging
import threading
from functools import partial
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


def on_periods_opened(sender: Any, period_ids: list[int], **kwargs: Any) -> None:
    if period_ids:
        transaction.on_commit(partial(_refresh, list(period_ids)))


# Cases whose steps were done in the transaction under way (per thread): a batch of 300
# postcards refreshes each case once, after the commit. A set left by a transaction that was
# rolled back is refreshed with the next one's; refreshing a case is always safe.
_pending = threading.local()


def _flush() -> None:
    case_ids = sorted(getattr(_pending, "case_ids", set()))
    _pending.case_ids = set()
    if case_ids:
        _refresh(case_ids=case_ids)


def on_step_done(sender: Any, case_id: int, **kwargs: Any) -> None:
    if not hasattr(_pending, "case_ids"):
        _pending.case_ids = set()
    _pending.case_ids.add(case_id)
    transaction.on_commit(_flush)
