from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YouthConfig(AppConfig):
    name = "youth"
    verbose_name = _("Ungdomsregistret")
