from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YouthConfig(AppConfig):
    name = "youth"
    verbose_name = _("Ungdomsregistret")

    def ready(self) -> None:
        from kaa import metrics
        from youth.identification import metrics as identification_metrics

        # The identification sources' freshness in /metrics (kaa imports no app above it).
        metrics.register(identification_metrics.collect)
