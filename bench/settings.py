"""Settings for the benchmark's gunicorn only: production's, with the bench URLconf that adds
the stack-floor view. Never used by a deployment (`DJANGO_SETTINGS_MODULE=bench.settings`)."""

from __future__ import annotations

from kaa.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
