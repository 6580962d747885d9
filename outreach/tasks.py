"""Outreach's Celery tasks under their stable names. Each task lives in its sub-package and is
registered under the name "outreach.tasks.<function>": the beat schedule (kaa/schedule.py),
django-celery-beat rows and the outbox's rows name them so, and the outbox imports them by
that dotted path, so every one of them is importable from here. Celery's autodiscovery
imports this module.
"""

from __future__ import annotations

from outreach.homevisits.tasks import homevisit_alarms, homevisit_alert_send
from outreach.messaging.tasks import send_message
from outreach.queue.tasks import digests_send
from outreach.routine.tasks import deadlines_refresh, deadlines_refresh_marked

__all__ = [
    "deadlines_refresh",
    "deadlines_refresh_marked",
    "digests_send",
    "homevisit_alarms",
    "homevisit_alert_send",
    "send_message",
]
