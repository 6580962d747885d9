from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Planer och insatser")

    def ready(self) -> None:
        from plans.consent.signals import consent_recorded
        from plans.receivers import on_periods_closed
        from plans.ukaa.receivers import on_consent_recorded
        from youth.register.signals import periods_closed

        periods_closed.connect(on_periods_closed, dispatch_uid="plans.periods_closed")
        consent_recorded.connect(on_consent_recorded, dispatch_uid="plans.ukaa.consent_recorded")
