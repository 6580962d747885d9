"""The staff mix for locust (headless, loopback only), run by `bench.loadrun`.

Each virtual user logs in as one of the bench coaches (its own session), then clicks: the
work queue, one of their youths' pages, a note written on a youth's page (POST with CSRF), a
search by surname (POST, then the list it redirects to), and the filtered youth list.
A run with `floor_only` requests only the stack's floor (bench/urls.py) for one of the
user's youths. Between clicks a user pauses `think` seconds on average (exponential, at most
4×; 0 = never).

The plan (accounts, paths, pause) comes from the JSON file named by KAA_BENCH_PLAN.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from urllib.parse import urlsplit

from locust import events
from locust.contrib.fasthttp import FastHttpUser

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SURNAMES = ["Andersson", "Nilsson", "Lindqvist", "Haddad", "Öberg", "Karlsson", "Nguyen"]

with open(os.environ["KAA_BENCH_PLAN"], encoding="utf-8") as _file:
    PLAN = json.load(_file)
_accounts = itertools.cycle(PLAN["accounts"])


_times = open(PLAN["times_file"], "w", encoding="utf-8")  # noqa: SIM115 - open for the run
_times.write("at,name,ms,failed\n")


@events.request.add_listener
def _record(request_type, name, response_time, exception, **_kwargs):
    """Every request of the staff mix (not the logins), for exact percentiles."""
    if not name.startswith("login"):
        _times.write(f"{time.time():.3f},{name},{response_time:.1f},{int(bool(exception))}\n")


@events.quitting.add_listener
def _close(**_kwargs):
    _times.close()


@events.test_start.add_listener
def _loopback_only(environment, **_kwargs):
    """The load is for this machine's own server: any other host stops the run."""
    if urlsplit(environment.host or "").hostname not in LOOPBACK:
        raise SystemExit(f"refusing to load a non-loopback host: {environment.host}")


class Staff(FastHttpUser):
    paths = PLAN["paths"]

    def wait_time(self):
        think = PLAN["think"]
        return min(random.expovariate(1 / think), 4 * think) if think else 0  # noqa: S311

    def on_start(self):
        self.username, password, self.youths = next(_accounts)
        page = self.client.get(self.paths["login"], name="login page").text
        with self.client.post(
            self.paths["login"],
            data={
                "username": self.username,
                "password": password,
                "csrfmiddlewaretoken": self._token(page),
            },
            name="login",
            catch_response=True,
        ) as response:
            if "logga-ut" not in (response.text or "") or "tvafaktor" in (response.url or ""):
                response.failure(f"login failed for {self.username}")

    @staticmethod
    def _token(page: str | None) -> str:
        match = CSRF.search(page or "")
        return match.group(1) if match else ""

    def _youth(self) -> int:
        return random.choice(self.youths)  # noqa: S311

    def queue(self):
        self.client.get(self.paths["queue"], name="work queue")

    def youth_page(self):
        self.client.get(self.paths["youth"].format(pk=self._youth()), name="youth page")

    def note(self):
        pk = self._youth()
        page = self.client.get(self.paths["youth"].format(pk=pk), name="youth page").text
        self.client.post(
            self.paths["note"].format(pk=pk),
            data={"text": "Ringde, ingen svarade.", "csrfmiddlewaretoken": self._token(page)},
            name="note POST",
        )

    def search(self):
        page = self.client.get(self.paths["list"], name="youth list").text
        self.client.post(
            self.paths["search"],
            data={"q": random.choice(SURNAMES), "csrfmiddlewaretoken": self._token(page)},  # noqa: S311
            name="search POST (+ result list)",
        )

    def youth_list(self):
        self.client.get(self.paths["list"], name="youth list")

    def floor(self):
        self.client.get(self.paths["floor"].format(pk=self._youth()), name="stack floor")

    # The staff mix, or (a run of the floor alone) what the stack serves with no page work.
    tasks = (
        [floor]
        if PLAN.get("floor_only")
        else {queue: 30, youth_page: 30, note: 15, search: 10, youth_list: 15}
    )
