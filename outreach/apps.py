from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Uppsökande arbete")

    def ready(self) -> None:
        from outreach.rechecks.receivers import on_period_closed, on_periods_closed
        from youth.register.signals import period_closed, periods_closed

        period_closed.connect(on_period_closed, dispatch_uid="outreach.rechecks.period_closed")
        periods_closed.connect(on_periods_closed, dispatch_uid="outreach.rechecks.periods_closed")
