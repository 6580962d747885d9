from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Statistik och rapporter")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from outreach.models import ContactAttempt
        from reporting.scb.retention import retention_register
        from reporting.stats.receivers import on_contact_saved, on_occupation_saved
        from youth.models import Occupation

        post_save.connect(
            on_contact_saved, sender=ContactAttempt, dispatch_uid="reporting.contact_saved"
        )
        post_save.connect(
            on_occupation_saved, sender=Occupation, dispatch_uid="reporting.occupation_saved"
        )
        # Gallring (records.retention) empties the archived SCB files under the rule for
        # export files; records does not import reporting, so it is told here.
        retention_register()
