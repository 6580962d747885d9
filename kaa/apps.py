from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KaaConfig(AppConfig):
    name = "kaa"
    verbose_name = _("KAA grund")

    def ready(self) -> None:
        from django.urls import register_converter

        from kaa import checks, metrics, signals  # noqa: F401  (registers receivers, checks)
        from kaa.lib.params import IdConverter

        # `<id:pk>` in every app's URLs: an id the database cannot hold is a 404, not an error.
        register_converter(IdConverter, "id")
