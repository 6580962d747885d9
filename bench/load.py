"""Load test: concurrent staff users against gunicorn on loopback, stdlib only.

Each virtual user logs in as one of the bench coaches (its own session), then loops until the
time is up: 50 % open the work queue, 30 % open one of their youths, 20 % write a short note
(a POST with CSRF). Prints requests per second, median and p95 latency and the error count.
`run_load(base_url, users, seconds, accounts)` is also used by the smoke test against Django's
live server.
"""

from __future__ import annotations

import http.cookiejar
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, ms: float, error: str = "") -> None:
        with self.lock:
            self.latencies.append(ms)
            if error:
                self.errors.append(error)


class User:
    def __init__(
        self, base: str, username: str, password: str, youth_ids: list[int], paths: dict[str, str]
    ) -> None:
        self.base, self.youth_ids, self.paths = base, youth_ids, paths
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = self._get(paths["login"])
        token = CSRF.search(page).group(1)  # type: ignore[union-attr]
        self._post(
            paths["login"],
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
        )

    def _get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:  # noqa: S310
            return response.read().decode()

    def _post(self, path: str, data: dict[str, str]) -> str:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(  # noqa: S310
            self.base + path,
            data=body,
            headers={"Referer": self.base + path},
        )
        with self.opener.open(request, timeout=30) as response:  # noqa: S310
            return response.read().decode()

    def step(self, rng: random.Random) -> None:
        roll = rng.random()
        youth = rng.choice(self.youth_ids)
        if roll < 0.5:
            self._get(self.paths["queue"])
        elif roll < 0.8:
            self._get(self.paths["youth"].format(pk=youth))
        else:
            page = self._get(self.paths["youth"].format(pk=youth))
            token = CSRF.search(page).group(1)  # type: ignore[union-attr]
            self._post(
                self.paths["note"].format(pk=youth),
                {"text": "Ringde, ingen svarade.", "csrfmiddlewaretoken": token},
            )


def run_load(
    base_url: str,
    users: int,
    seconds: float,
    accounts: list[tuple[str, str, list[int]]],
    paths: dict[str, str],
    think: float = 0.0,
) -> dict[str, Any]:
    """`accounts`: (username, password, youth ids) to share among the virtual users;
    `think`: mean seconds a user pauses between clicks (exponential; 0 = never pauses)."""
    tally = Tally()
    stop = time.monotonic() + seconds
    ready = threading.Barrier(users + 1)

    def worker(index: int) -> None:
        username, password, youth_ids = accounts[index % len(accounts)]
        rng = random.Random(index)
        try:
            user = User(base_url, username, password, youth_ids, paths)
        except Exception as exc:  # noqa: BLE001 - counted, not raised
            tally.add(0.0, f"login: {exc}")
            ready.wait()
            return
        ready.wait()
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                user.step(rng)
                tally.add((time.perf_counter() - started) * 1000)
            except (urllib.error.URLError, OSError, AttributeError) as exc:
                tally.add((time.perf_counter() - started) * 1000, str(exc)[:80])
            if think:
                time.sleep(
                    min(rng.expovariate(1 / think), stop - time.monotonic(), 4 * think)
                    if stop > time.monotonic()
                    else 0
                )

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(users)]
    for t in threads:
        t.start()
    ready.wait()
    began = time.monotonic()
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.monotonic() - began
    done = sorted(tally.latencies)
    p95 = done[min(len(done) - 1, round(0.95 * (len(done) - 1)))] if done else 0.0
    return {
        "requests": len(done),
        "per_second": len(done) / max(elapsed, 0.001),
        "median_ms": statistics.median(done) if done else 0.0,
        "p95_ms": p95,
        "errors": len(tally.errors),
        "first_errors": tally.errors[:3],
    }
