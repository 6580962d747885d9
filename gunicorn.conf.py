"""gunicorn's settings for KAA, read from the working directory (the image's /app).

Metrics of several workers (kaa.metrics): each worker is a process of its own, so the request
histograms are kept in files under PROMETHEUS_MULTIPROC_DIR, which every worker of this node
writes and /metrics adds up. The directory must be this node's alone and empty at start: set
here before any worker imports prometheus_client (it picks its mode on import), emptied when
gunicorn starts, and a worker that exits is marked dead so its live gauges are dropped (its
counts stay, as they should).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="kaa-metrics-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _directory


def on_starting(server: object) -> None:
    path = Path(_directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):  # a previous run's counts are not this run's
        stale.unlink()


def child_exit(server: object, worker: object) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
