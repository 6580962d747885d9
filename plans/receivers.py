"""Reactions to the register's signals (connected in PlansConfig.ready)."""

from __future__ import annotations

from typing import Any

from youth.models import KaaPeriod


def on_period_closed(sender: Any, period: KaaPeriod, actor: Any = None, **kwargs: Any) -> None:
    from plans.services import plans_close_for_period

    plans_close_for_period(period=period, actor=actor)
