"""Every scheduled job, in one place. Each job is idempotent: a second beat does no harm.

Run exactly one `celery beat` per installation (README, "Processes to run in production").
Tasks are named by string so that this module imports no app above `kaa`.
"""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "outbox-sweep": {
        # Publishes tasks whose enqueueing failed at commit time (broker down), kaa.outbox.
        "task": "kaa.tasks.outbox_sweep",
        "schedule": 60.0,
    },
    "audit-ship": {
        # Copies new audit events to the store outside the database (kaa.audit_sink).
        "task": "kaa.tasks.audit_ship",
        "schedule": 10.0,
    },
    "outreach-homevisit-alarms": {
        # Home visits not checked out in time: alert, then escalate, each once.
        "task": "outreach.tasks.homevisit_alarms",
        "schedule": 60.0,
    },
    "purge-expired-sessions": {
        "task": "kaa.tasks.sessions_purge_expired",
        "schedule": crontab(hour=3, minute=15),
    },
    "accounts-unused-disable": {
        # Accounts invited but never used once their link has run out.
        "task": "kaa.tasks.accounts_unused_disable",
        "schedule": crontab(hour=3, minute=20),
    },
    "youth-periods-close-at-20": {
        "task": "youth.tasks.periods_close_at_20",
        "schedule": crontab(hour=0, minute=30),
    },
    "youth-ukaa-periods-close-at-25": {
        "task": "youth.tasks.ukaa_periods_close_at_25",
        "schedule": crontab(hour=0, minute=40),
    },
    "youth-flags-refresh": {
        "task": "youth.tasks.youth_flags_refresh",
        "schedule": crontab(hour=1, minute=0),
    },
    "youth-identification": {
        # Before the deadline job: the rule against the register, as proposals to review.
        "task": "youth.identification.tasks.identification_nightly",
        "schedule": crontab(hour=1, minute=30),
    },
    "outreach-deadlines-refresh": {
        # The full pass, once a day after the register's nightly jobs (the repair: it looks
        # at every open case).
        "task": "outreach.tasks.deadlines_refresh",
        "schedule": crontab(hour=2, minute=0),
    },
    "outreach-deadlines-refresh-marked": {
        # The incremental run: the cases whose facts changed or whose day has come, with the
        # full pass's result (outreach.routine.engine).
        "task": "outreach.tasks.deadlines_refresh_marked",
        "schedule": 300.0,
    },
    "plans-follow-up-tasks": {
        "task": "plans.tasks.follow_up_tasks_refresh",
        "schedule": crontab(hour=2, minute=30),
    },
    "outreach-morning-digest": {
        "task": "outreach.tasks.digests_send",
        "schedule": crontab(hour=6, minute=30, day_of_week="mon-fri"),
    },
    "reporting-scb-drafts": {
        # Daily: the first run after a half-year ends builds the draft and notifies, once.
        "task": "reporting.tasks.scb_drafts_build",
        "schedule": crontab(hour=4, minute=0),
    },
    "reporting-contact-sums": {
        # Nightly, before the board reports: daily contact sums for the statistics.
        "task": "reporting.tasks.stats_rollup_refresh",
        "schedule": crontab(hour=3, minute=45),
    },
    "reporting-board-reports": {
        # Daily: the monthly, tertial, half-year and annual reports whose period ended.
        "task": "reporting.tasks.board_reports_scheduled",
        "schedule": crontab(hour=5, minute=0),
    },
    "reporting-retention-proposal": {
        # Weekly: what is due for gallring, proposed to the coordinators (records.retention).
        "task": "reporting.tasks.retention_propose",
        "schedule": crontab(hour=4, minute=30, day_of_week="mon"),
    },
    "reporting-orphan-files": {
        # Nightly: stored files (consent scans, SCB files, reports) that no record names.
        "task": "reporting.tasks.orphan_files_delete",
        "schedule": crontab(hour=3, minute=50),
    },
    "purge-unattributed-audit-events": {
        # Audit events of no municipality fall under no gallring rule (kaa.services).
        "task": "kaa.tasks.audit_unattributed_purge",
        "schedule": crontab(hour=3, minute=40),
    },
    "purge-old-login-attempts": {
        "task": "kaa.tasks.login_attempts_purge_old",
        "schedule": crontab(hour=3, minute=30),
    },
}
