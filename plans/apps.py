from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Planer och insatser")

    def ready(self) -> None:
        from plans.receivers import on_periods_closed
        from youth.register.signals import periods_closed

        periods_closed.connect(on_periods_closed, dispatch_uid="plans.periods_closed")
