"""A kept test database is reused only while it was built from exactly the migrations on disk.

``--reuse-db`` keeps the test databases between runs. The databases live in the machine's
PostgreSQL, which outlives the checkout: a run on another branch, or an older state of this one,
leaves a database whose migration history the current code does not know (a migration renamed,
edited or removed), and every test then fails with ``InconsistentMigrationHistory``. Each test
database therefore carries a fingerprint of the migration files it was built from, as the
database's comment; a database without it or with another one is built afresh.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.apps import apps
from django.db import connections

COMMENT_PREFIX = "kaa-migrations "


def migrations_fingerprint() -> str:
    """A hash over the names and contents of every project migration file."""
    digest = hashlib.sha256()
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        folder = Path(config.path) / "migrations"
        if not folder.is_dir() or "site-packages" in folder.parts:
            continue
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{config.label}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _test_database_name(alias: str) -> str:
    return connections[alias].creation._get_test_db_name()


def _stored_fingerprint(alias: str) -> str | None:
    """The fingerprint on the test database, or None when it has none or does not exist."""
    with connections[alias]._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [_test_database_name(alias)],
        )
        row = cursor.fetchone()
    if not row or not row[0] or not row[0].startswith(COMMENT_PREFIX):
        return None
    return row[0].removeprefix(COMMENT_PREFIX)


def kept_databases_are_current() -> bool:
    """True when every PostgreSQL test database exists and was built from these migrations."""
    current = migrations_fingerprint()
    for alias in connections:
        if connections[alias].vendor != "postgresql":
            continue
        if _stored_fingerprint(alias) != current:
            return False
    return True


def fingerprint_store() -> None:
    """Mark the test databases as built from the migrations on disk now."""
    current = migrations_fingerprint()
    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            # COMMENT takes no bind parameters; the value is a hex digest with a fixed prefix.
            cursor.execute(f"COMMENT ON DATABASE {name} IS '{COMMENT_PREFIX}{current}'")  # nosec B608
