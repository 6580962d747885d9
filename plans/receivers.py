"""Reactions to the register's signals (connected in PlansConfig.ready). The register (youth)
is a lower layer and may not import plans, so it tells plans through a signal."""

from __future__ import annotations

from typing import Any

from youth.models import KaaPeriod


def on_periods_closed(
    sender: Any, periods: list[KaaPeriod], actor: Any = None, **kwargs: Any
) -> None:
    from plans.actionplans.services import plans_close_for_periods
    from plans.ukaa.services import offers_propose

    # Before the plans close: the proposal reads the interventions still running at 20.
    offers_propose(periods=periods, actor=actor)
    plans_close_for_periods(periods=periods, actor=actor)
