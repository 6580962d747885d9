"""Settings of the web processes and the worker that tests/kaa/test_scale_out.py starts: the
test settings, with a Celery queue and rate-limit keys of that test's own, so that parallel
test runs on the same Redis never take each other's tasks or count each other's logins."""

from __future__ import annotations

import os

from kaa.settings_test import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["KAA_SCALEOUT_QUEUE"]
KAA_RATELIMIT_PREFIX = os.environ["KAA_SCALEOUT_RATELIMIT_PREFIX"]
