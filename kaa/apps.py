from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KaaConfig(AppConfig):
    name = "kaa"
    verbose_name = _("KAA grund")

    def ready(self) -> None:
        from kaa import checks, signals  # noqa: F401  (registers receivers and checks)
