from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Uppsökande arbete")

    def ready(self) -> None:
        from outreach.queue.signals import step_done
        from outreach.rechecks.receivers import on_periods_closed
        from outreach.rechecks.receivers import on_periods_opened as rechecks_on_periods_opened
        from outreach.routine.receivers import on_periods_opened, on_step_done
        from youth.register.signals import periods_closed, periods_opened

        periods_opened.connect(on_periods_opened, dispatch_uid="outreach.periods_opened")
        step_done.connect(on_step_done, dispatch_uid="outreach.step_done")
        periods_closed.connect(on_periods_closed, dispatch_uid="outreach.rechecks.periods_closed")
        periods_opened.connect(
            rechecks_on_periods_opened, dispatch_uid="outreach.rechecks.periods_opened"
        )
