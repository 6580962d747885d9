"""gunicorn on loopback with the bench settings, pages timed over HTTP beside the stack's
floor, and locust (headless, bounded users and time) with the gunicorn workers' memory
sampled through the run.

Everything a run writes goes to its results directory: locust's CSV stats per run
(`<name>_stats.csv`, `_stats_history.csv`, `_failures.csv`, `_exceptions.csv`) and
`<name>_rss.csv` (seconds, worker pid, RSS in kB, once a second).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "STATIC_ROOT": tempfile.mkdtemp(prefix="kaa-bench-static-"),
        "ALLOWED_HOSTS": HOST,
        "HTTPS": "false",
        "AXES_FAILURE_LIMIT": "1000",
        "LOG_LEVEL": "WARNING",  # no log line per request: the run measures serving, not logging
        "KAA_STATS_CACHE_SECONDS": "0",  # the dashboard computed, not read from the cache
    }


@contextlib.contextmanager
def gunicorn(workers: int, threads: int = 4, port: int = 8765) -> Iterator[Server]:
    """gunicorn serving the bench URLconf (the project's plus the floor view) on loopback."""
    env = _env()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],  # noqa: S603
        env=env,
        check=True,
    )
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kaa.wsgi:application",
            "-b",
            f"{HOST}:{port}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://{HOST}:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("gunicorn did not answer /healthz")
        yield Server(base, process)
    finally:
        process.terminate()  # gunicorn's graceful stop: workers finish their requests
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()  # kept-alive connections held a worker past the graceful timeout
            process.wait(timeout=10)


def workers_of(pid: int) -> list[int]:
    """gunicorn's worker processes: the master's children."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler(threading.Thread):
    """Samples every worker's RSS once a second until stopped."""

    def __init__(self, master: int, interval: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.master, self.interval = master, interval
        self.rows: list[tuple[float, int, int]] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        began = time.monotonic()
        while not self._stop_event.is_set():
            now = round(time.monotonic() - began, 1)
            for pid in workers_of(self.master):
                self.rows.append((now, pid, rss_kb(pid)))
            self._stop_event.wait(self.interval)

    def stop(self) -> dict[str, float]:
        self._stop_event.set()
        self.join(timeout=5)
        return rss_summary(self.rows)


def rss_summary(rows: list[tuple[float, int, int]]) -> dict[str, float]:
    """Per worker, RSS at the start and at the end of the run (MB), summed over the workers,
    and the largest one worker reached."""
    if not rows:
        return {"start_mb": 0.0, "end_mb": 0.0, "max_worker_mb": 0.0, "workers": 0}
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for _t, pid, kb in rows:
        first.setdefault(pid, kb)
        last[pid] = kb
    return {
        "start_mb": sum(first.values()) / 1024,
        "end_mb": sum(last.values()) / 1024,
        "max_worker_mb": max(kb for _t, _p, kb in rows) / 1024,
        "workers": len(last),
    }


def http_times(base: str, cookie: str, path: str, repeat: int) -> tuple[float, float]:
    """Median and p95 (ms) of `repeat` sequential GETs, after one warm-up."""
    times = []
    for index in range(repeat + 1):
        request = urllib.request.Request(base + path, headers={"Cookie": cookie})  # noqa: S310
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            response.read()
            if response.status != 200 or response.url != base + path:
                raise RuntimeError(f"{path}: {response.status} at {response.url}")
        if index:
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def locust(
    base: str,
    plan: dict[str, Any],
    *,
    name: str,
    users: int,
    seconds: int,
    out: Path,
    master: int,
) -> dict[str, Any]:
    """One headless locust run against `base` (loopback), its CSVs in `out`; returns the
    aggregated figures and the workers' memory over the run."""
    out.mkdir(parents=True, exist_ok=True)
    plan_file = out / f"{name}_plan.json"
    times_file = out / f"{name}_mix_times.csv"
    plan_file.write_text(json.dumps({**plan, "times_file": str(times_file)}))
    log = (out / f"{name}_locust.log").open("w")
    sampler = RssSampler(master)
    sampler.start()
    try:
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--host",
                base,
                "--users",
                str(users),
                "--spawn-rate",
                str(max(users // 5, min(users, 10))),  # all of a small run at once
                "--run-time",
                f"{seconds}s",
                "--stop-timeout",
                "10",
                "--csv",
                str(out / name),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            env={**os.environ, "KAA_BENCH_PLAN": str(plan_file)},
            check=True,
            timeout=seconds + 120,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    finally:
        log.close()
        memory = sampler.stop()
        plan_file.unlink()
    with (out / f"{name}_rss.csv").open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["seconds", "pid", "rss_kb"])
        writer.writerows(sampler.rows)
    return {**mix_read(times_file), **memory}


def mix_read(path: Path) -> dict[str, Any]:
    """The staff mix's figures from every request the locustfile recorded: exact median
    and p95."""
    rows = list(csv.DictReader(path.open()))
    times = sorted(float(r["ms"]) for r in rows)
    if not times:
        return {"requests": 0, "failures": 0, "per_second": 0.0, "median_ms": 0.0, "p95_ms": 0.0}
    moments = [float(r["at"]) for r in rows]
    span = max(max(moments) - min(moments), 1.0)
    return {
        "requests": len(times),
        "failures": sum(1 for r in rows if r["failed"] == "1"),
        "per_second": len(times) / span,
        "median_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
    }
