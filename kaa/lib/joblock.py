"""One run at a time of a scheduled job (two beats running by mistake must do no harm).

Every scheduled job is also idempotent, so a second run after the first does no harm; the lock
keeps two *concurrent* runs (two beats firing at the same minute, or a redelivered task while
the first delivery still works) from racing each other. A PostgreSQL session advisory lock:
released when the run ends, or by the server when the worker dies.
"""

from __future__ import annotations

import functools
import logging
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection
from django.dispatch import Signal

log = logging.getLogger(__name__)
_NAMESPACE = 0x4B4141  # "KAA"
T = TypeVar("T")
# Sent when a job's body returns without an exception (not when it found another run
# active), with `name` (the lock's name) and `duration` (seconds): kaa.signals keeps the time.
job_succeeded = Signal()


def lock_key(name: str) -> tuple[int, int]:
    """The two integers of the advisory lock named `name`."""
    return _NAMESPACE, zlib.crc32(name.encode()) & 0x7FFFFFFF


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Yield True if this process now holds the lock named `name`, False if another does.
    (Advisory locks are per database session: the same connection may take it again.)"""
    if connection.vendor != "postgresql":  # the embedded demo database runs one worker
        yield True
        return
    key = lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def xact_lock(name: str, item: int) -> None:
    """Wait for, and hold until the current transaction ends, the lock `name` for one `item`
    (e.g. one municipality): two runs of the same work for the same item take turns."""
    if connection.vendor != "postgresql":  # SQLite serialises writers anyway
        return
    if not connection.in_atomic_block:
        raise RuntimeError("xact_lock needs a transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", (zlib.crc32(name.encode()) & 0x7FFFFFFF, item)
        )


def single_run(func: Callable[..., T] | None = None, *, name: str | None = None) -> Any:
    """Decorate a scheduled task's body: a run that finds another running returns at once.

    The lock is named `name`, by default the function's dotted path. A task moved to another
    module keeps its old path as `name` (`@single_run(name=...)`), so that a worker still
    running the code from before the move and one running the new code take the same lock."""
    if func is None:
        return functools.partial(single_run, name=name)
    lock = name or f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T | str:
        with job_lock(lock) as got:
            if not got:
                log.info("%s: another run is active; this one does nothing", lock)
                return "locked: another run is active"
            started = time.monotonic()
            result = func(*args, **kwargs)
            job_succeeded.send(sender=single_run, name=lock, duration=time.monotonic() - started)
            return result

    wrapper.job_name = lock  # type: ignore[attr-defined]  # the `job` label of its metrics
    return wrapper
