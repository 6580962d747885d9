"""Every scheduled job, in one place. Each job is idempotent: a second beat does no harm.

Run exactly one `celery beat` per installation (README, "Processes to run in production").
Tasks are named by string so that this module imports no app above `kaa`.
"""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "purge-expired-sessions": {
        "task": "kaa.tasks.sessions_purge_expired",
        "schedule": crontab(hour=3, minute=15),
    },
    "purge-old-login-attempts": {
        "task": "kaa.tasks.login_attempts_purge_old",
        "schedule": crontab(hour=3, minute=30),
    },
}
