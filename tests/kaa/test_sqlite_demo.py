"""The demo's embedded SQLite database takes a web server's saves from several threads while a
worker writes, without "database is locked": WAL, a busy timeout and write transactions that
take the lock when they begin (kaa/settings.py). Each side runs as its own process on a file
of its own (tests/kaa/sqlite_writers.py)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

SCRIPT = Path(__file__).with_name("sqlite_writers.py")
ROOT = SCRIPT.parents[2]


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{db}",
        DJANGO_SETTINGS_MODULE="kaa.settings_test",
        PYTHONPATH=str(ROOT),
    )
    return env


def _errors(out: str) -> int:
    line = out.strip().splitlines()[-1]
    assert line.startswith("errors "), out
    return int(line.split()[1])


def _saves_while_worker_writes(db: Path, *extra: str) -> tuple[int, int, str]:
    env = _env(db)
    run = [sys.executable, str(SCRIPT), *extra]
    subprocess.run([*run, "setup"], env=env, check=True, capture_output=True, timeout=120)
    worker = subprocess.Popen(
        [*run, "worker", "6"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        web = subprocess.run(
            [*run, "web", "6", "30"], env=env, capture_output=True, text=True, timeout=120
        )
        worker_out, worker_err = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert web.returncode == 0, web.stderr
    assert worker.returncode == 0, worker_err
    return _errors(web.stdout), _errors(worker_out), web.stdout + worker_out


def test_settings_give_sqlite_wal_timeout_and_immediate_transactions(tmp_path):
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(tmp_path / "x.sqlite3"),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert '"transaction_mode": "IMMEDIATE"' in out
    assert "journal_mode=WAL" in out
    assert '"timeout": 20' in out


def test_web_saves_from_threads_while_worker_writes_never_lock(tmp_path):
    web, worker, out = _saves_while_worker_writes(tmp_path / "demo.sqlite3")
    assert (web, worker) == (0, 0), out
    # The file is in WAL mode (kept in the file): readers are not blocked by the writer.
    with closing(sqlite3.connect(tmp_path / "demo.sqlite3")) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_without_the_options_the_same_saves_fail_locked(tmp_path):
    """The control: the same load on SQLite's defaults is what the demo answered with 500."""
    web, worker, out = _saves_while_worker_writes(tmp_path / "plain.sqlite3", "--plain")
    assert web + worker > 0, out
    assert "database is locked" in out
