from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Uppsökande arbete")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from outreach.models import ContactAttempt
        from outreach.queue.reach_facts import contact_saved

        post_save.connect(contact_saved, sender=ContactAttempt,
                          dispatch_uid="outreach.facts.contact_saved")
