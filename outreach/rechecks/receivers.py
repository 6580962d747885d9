"""The register's signals that a KAA period ended (connected in OutreachConfig.ready): plan
the re-checks of where the youth went."""

from __future__ import annotations

from typing import Any

from youth.models import KaaPeriod


def on_periods_closed(
    sender: Any, periods: list[KaaPeriod], actor: Any = None, **kwargs: Any
) -> None:
    from outreach.rechecks.services import rechecks_plan

    rechecks_plan(periods=periods)
