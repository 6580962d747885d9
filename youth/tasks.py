"""The register's Celery tasks under their stable names. Each task lives in its sub-package
and is registered under the name "youth.tasks.<function>" (identification's keeps its own
module path): the beat schedule (kaa/schedule.py) and django-celery-beat rows name them so,
so every one of them is importable from here. Celery's autodiscovery imports this module.
"""

from __future__ import annotations

from youth.identification.tasks import identification_nightly
from youth.register.tasks import (
    periods_close_at_20,
    ukaa_periods_close_at_25,
    youth_flags_refresh,
)

__all__ = [
    "identification_nightly",
    "periods_close_at_20",
    "ukaa_periods_close_at_25",
    "youth_flags_refresh",
]
