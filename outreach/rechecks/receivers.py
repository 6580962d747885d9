"""The register's signals about KAA periods (connected in OutreachConfig.ready): plan the
re-checks of where the youth went when a KAA period ends, and cancel the open ones when the
youth returns to KAA. UKAA periods (extended responsibility after 20) get no re-checks."""

from __future__ import annotations

from typing import Any

from youth.models import KaaPeriod


def on_periods_closed(
    sender: Any, periods: list[KaaPeriod], actor: Any = None, **kwargs: Any
) -> None:
    from outreach.rechecks.services import rechecks_plan

    rechecks_plan(periods=[p for p in periods if p.kind == KaaPeriod.Kind.KAA])


def on_periods_opened(sender: Any, period_ids: list[int], **kwargs: Any) -> None:
    from outreach.rechecks.services import rechecks_cancel_on_return

    rechecks_cancel_on_return(period_ids=period_ids)
