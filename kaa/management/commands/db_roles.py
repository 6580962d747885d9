"""Set up (or check) the application's PostgreSQL role, so that the database itself keeps the
audit log append-only (kaa.dbroles, docs/adr/0003-database-roles-and-the-audit-log.md).

    DATABASE_MIGRATE_URL=postgres://kaa_owner:...@db/kaa \\
    DATABASE_URL=postgres://kaa_app:...@db/kaa python manage.py db_roles

connects as the owner (DATABASE_MIGRATE_URL) and makes the role of DATABASE_URL a least-
privileged one: created if missing (with DATABASE_URL's password), allowed everything it needs
on every table, and only SELECT and INSERT on the audit log. Idempotent: run it after every
`migrate`. `--check` only reports what is wrong (exit 1), from any connection.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from kaa.dbroles import RolesError, roles_apply, roles_check


class Command(BaseCommand):
    help = (
        "Give the application's database role (DATABASE_URL) only what it needs, as the "
        "tables' owner (DATABASE_MIGRATE_URL); --check reports what is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the role (exit 1 if it could change the log).",
        )
        parser.add_argument(
            "--app-role", default="", help="The application's role (default: DATABASE_URL's user)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write(f"{connection.vendor}: no database roles, nothing to do.")
            return
        app_role = options["app_role"] or settings.KAA_DATABASE_APP_USER
        if not app_role:
            raise CommandError("DATABASE_URL names no user: give --app-role.")
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if options["check"]:
                    problems = roles_check(cursor, app_role=app_role)
                else:
                    password = (
                        settings.KAA_DATABASE_APP_PASSWORD
                        if app_role == settings.KAA_DATABASE_APP_USER
                        else None
                    )
                    for line in roles_apply(cursor, app_role=app_role, password=password):
                        self.stdout.write(line)
                    problems = []
        except RolesError as exc:
            raise CommandError(str(exc)) from exc
        if problems:
            raise CommandError(
                f"The role {app_role} could change the audit log: " + "; ".join(problems)
            )
        self.stdout.write(f"ok: {app_role} may read and append to the audit log, nothing more.")
