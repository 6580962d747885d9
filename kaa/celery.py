"""The Celery app. Tasks live in each app's tasks.py; the schedule in kaa/schedule.py."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaa.settings")

app = Celery("kaa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _keep_django_logging(**kwargs: Any) -> None:
    """The worker and beat log through the project's LOGGING (django.setup applies it: masked,
    text or JSON by KAA_LOG_FORMAT), not through a set-up of Celery's own: a receiver of this
    signal tells Celery to leave logging alone."""
