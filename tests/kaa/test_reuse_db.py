"""A test database kept by ``--reuse-db`` but built from other migrations is built afresh,
instead of failing every test on its migration history."""

from __future__ import annotations

import os
import subprocess  # nosec B404
import sys
from pathlib import Path

import psycopg
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PROBE = "tests/youth/test_period_edit.py"


def _probe_env(database: str) -> dict[str, str]:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{database}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    return {**env, "DATABASE_URL": url}


def _run_probe(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # nosec B603
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "--reuse-db", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _admin(database: str = "postgres") -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=database, autocommit=True
    )


def test_a_kept_database_with_a_history_the_code_does_not_know_is_built_afresh(worker_id):
    name = f"kaa_reuse_probe_{worker_id}"
    test_db = f"test_{name}"
    env = _probe_env(name)
    first = _run_probe(env)
    assert first.returncode == 0, first.stdout[-3000:]

    # What a run of another branch leaves behind: a migration applied that is not on disk, and an
    # applied one whose dependency is missing from the history.
    with _admin(test_db) as conn:
        conn.execute(
            "INSERT INTO django_migrations (app, name, applied)"
            " VALUES ('youth', '0999_gone', now())"
        )
        conn.execute("DELETE FROM django_migrations WHERE app = 'youth' AND name = '0001_initial'")
        conn.execute(f"COMMENT ON DATABASE \"{test_db}\" IS 'kaa-migrations another-branch'")

    second = _run_probe(env)
    assert second.returncode == 0, second.stdout[-3000:]
    assert "InconsistentMigrationHistory" not in second.stdout
    with _admin(test_db) as conn:
        gone = conn.execute("SELECT count(*) FROM django_migrations WHERE name = '0999_gone'")
        assert gone.fetchone() == (0,)
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{test_db}"')
