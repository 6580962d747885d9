"""Check that PostgreSQL and Redis answer before the tests start, with a clear message."""

from __future__ import annotations

import os
import sys
import time
from urllib.parse import urlparse

import psycopg
import psycopg.sql
import redis


def main() -> int:
    db_url = os.environ["DATABASE_URL"]
    redis_url = os.environ["REDIS_URL"]
    parsed = urlparse(db_url)
    # Connect to the maintenance database: the test database is created by pytest-django.
    admin_url = parsed._replace(path="/postgres").geturl()
    deadline = time.monotonic() + 30
    while True:
        problems = []
        try:
            psycopg.connect(admin_url, connect_timeout=3).close()
        except psycopg.Error as exc:
            problems.append(f"PostgreSQL at {parsed.hostname}:{parsed.port or 5432}: {exc}")
        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            problems.append(f"Redis at {redis_url}: {exc}")
        if not problems:
            _ensure_database(admin_url, parsed.path.lstrip("/"))
            return 0
        if time.monotonic() > deadline:
            for problem in problems:
                print(f"Not reachable: {problem}", file=sys.stderr)
            print(
                "Start the services (README, 'Running the tests') or set DATABASE_URL and "
                "REDIS_URL.",
                file=sys.stderr,
            )
            return 1
        time.sleep(1)


def _ensure_database(admin_url: str, name: str) -> None:
    """Create the development database (the migration checks use it; tests use test_<name>)."""
    if not name:
        return
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            statement = psycopg.sql.SQL("CREATE DATABASE {}")
            conn.execute(statement.format(psycopg.sql.Identifier(name)))


if __name__ == "__main__":
    sys.exit(main())
