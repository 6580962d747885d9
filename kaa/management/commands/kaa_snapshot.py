"""Row counts and content checksums of every table, for the restore drill (R-12).

    python manage.py kaa_snapshot > before.json            # on the live database at time T
    python manage.py kaa_snapshot --compare before.json    # on the restored copy

With `--compare`, a table with fewer rows than in the snapshot, or missing, is an error (exit
status 1), and so is a column with fewer filled-in values (a migration that emptied it): a
restore or a migration must never silently drop data. A column no longer there is listed, and
so are tables with more rows (work done after the snapshot); with `--exact` (a point-in-time
restore to the moment of the snapshot, same version) every count and checksum must match.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

PROJECT_APPS = ("kaa", "youth", "outreach", "plans", "records", "reporting")


def snapshot() -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "checksum": md5 of the rows in key order, "filled": {column: rows
    with a value}}} for the project's tables (the checksum only on PostgreSQL). The columns are
    read from the database, not the models: a backup of an older version has its own."""
    out: dict[str, dict[str, Any]] = {}
    postgres = connection.vendor == "postgresql"
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in apps.get_models():
            name = model._meta.db_table
            if (
                model._meta.app_label not in PROJECT_APPS
                or not model._meta.managed
                or name not in existing
            ):  # an older schema
                continue
            table = connection.ops.quote_name(name)
            pk = connection.ops.quote_name(model._meta.pk.column)
            if postgres:
                cursor.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, ',' "  # noqa: S608  # nosec B608
                    f"ORDER BY t.{pk}), '')) FROM {table} t"
                )
                rows, checksum = cursor.fetchone()
            else:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608  # nosec B608
                rows, checksum = cursor.fetchone()[0], ""
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, name)
            ]
            counts = ", ".join(f"count({connection.ops.quote_name(c)})" for c in columns)
            cursor.execute(f"SELECT {counts} FROM {table}")  # noqa: S608  # nosec B608
            out[name] = {
                "rows": rows,
                "checksum": checksum,
                "filled": dict(zip(columns, cursor.fetchone(), strict=True)),
            }
    return out


def _columns_compared(
    table: str, then: dict[str, Any], current: dict[str, Any], errors: list[str], notes: list[str]
) -> None:
    for column, filled in sorted(then.get("filled", {}).items()):
        now_filled = current.get("filled", {}).get(column)
        if now_filled is None:
            notes.append(f"{table}.{column}: kolumnen finns inte längre")
        elif now_filled < filled:
            errors.append(
                f"{table}.{column}: {now_filled} ifyllda värden, {filled} i ögonblicksbilden"
            )


def compare(
    before: dict[str, dict[str, Any]], now: dict[str, dict[str, Any]], *, exact: bool
) -> tuple[list[str], list[str]]:
    """(errors, notes) between a snapshot and the database now."""
    errors: list[str] = []
    notes: list[str] = []
    for table, then in sorted(before.items()):
        current = now.get(table)
        if current is None:
            errors.append(f"{table}: saknas ({then['rows']} rader i ögonblicksbilden)")
        elif current["rows"] < then["rows"]:
            errors.append(f"{table}: {current['rows']} rader, {then['rows']} i ögonblicksbilden")
        elif current["rows"] > then["rows"]:
            (errors if exact else notes).append(
                f"{table}: {current['rows']} rader, {then['rows']} i ögonblicksbilden"
            )
        elif exact and then["checksum"] != current["checksum"]:
            errors.append(f"{table}: samma antal rader men annat innehåll")
        if current is not None and current["rows"] >= then["rows"]:  # else said above
            _columns_compared(table, then, current, errors, notes)
    for table in sorted(set(now) - set(before)):
        notes.append(f"{table}: ny tabell ({now[table]['rows']} rader)")
    return errors, notes


class Command(BaseCommand):
    help = "Row counts and checksums of every table; --compare a snapshot after a restore."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--compare", metavar="FILE", help="a snapshot written earlier")
        parser.add_argument(
            "--exact", action="store_true", help="every count and checksum must match (PITR drill)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = snapshot()
        if not options["compare"]:
            self.stdout.write(json.dumps(now, indent=1, sort_keys=True))
            return
        try:
            before = json.loads(Path(options["compare"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Kan inte läsa ögonblicksbilden: {exc}") from exc
        errors, notes = compare(before, now, exact=options["exact"])
        for line in notes:
            self.stdout.write(line)
        if errors:
            for line in errors:
                self.stderr.write(line)
            raise CommandError(f"{len(errors)} avvikelser från ögonblicksbilden.")
        self.stdout.write(f"Alla {len(before)} tabeller stämmer med ögonblicksbilden.")
