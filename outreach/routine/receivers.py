"""The routine's answer to the register's signals: a KAA period just opened gets its outreach
case and its first tasks when the registration commits, not at the next nightly run."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


def _refresh(period_ids: list[int]) -> None:
    from outreach.routine.engine import cases_refresh

    try:
        with transaction.atomic():
            cases_refresh(period_ids=period_ids)
    except Exception:
        # The registration stands; the nightly job (outreach.tasks.deadlines_refresh) repairs.
        log.exception("outreach case refresh failed for %s periods", len(period_ids))


def on_periods_opened(sender: Any, period_ids: list[int], **kwargs: Any) -> None:
    if period_ids:
        transaction.on_commit(partial(_refresh, list(period_ids)))
