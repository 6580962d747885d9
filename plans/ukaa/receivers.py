"""A consent registered in a UKAA period carries the waiting plan over (connected in
PlansConfig.ready; consent sits below this sub-domain and tells it through a signal)."""

from __future__ import annotations

from typing import Any


def on_consent_recorded(sender: Any, consent: Any, actor: Any = None, **kwargs: Any) -> None:
    from plans.ukaa.services import offer_awaiting_consent, plan_carry_over

    offer = offer_awaiting_consent(consent)
    if offer is not None:
        plan_carry_over(offer=offer, consent=consent, actor=actor)
