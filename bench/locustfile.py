"""The staff mix for locust (headless, loopback only), run by `bench.loadrun`.

Each virtual user is one of the bench coaches in a session of its own, and clicks: the
work queue, one of their youths' pages, a note written on a youth's page (POST with CSRF), a
search by surname (POST, then the list it redirects to), and the filtered youth list.
A run with `floor_only` requests only the stack's floor (bench/urls.py) for one of the
user's youths. Between clicks a user pauses `think` seconds on average (exponential, at most
4×; 0 = never).

The plan (sessions, paths, pause) comes from the JSON file named by KAA_BENCH_PLAN.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from http.cookiejar import Cookie
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
        """The user's session was opened beforehand (a verified login with its second factor,
        made in the benchmark's process): the run measures clicks, not password hashing."""
        self.username, session, self.youths = next(_accounts)
        host = urlsplit(self.host).hostname or ""
        self.client.cookiejar.set_cookie(
            Cookie(
                0,
                PLAN["cookie"],
                session,
                None,
                False,
                host if "." in host else f"{host}.local",
                False,
                False,
                "/",
                True,
                False,
                None,
                True,
                None,
                None,
                {},
            )  # fmt: skip
        )

    def _get(self, path: str, name: str) -> str:
        """A page, which must be served as it is: a redirect (to the login or the second
        factor) or an error counts as a failure."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
            return response.text or ""

    def _post(self, path: str, data: dict[str, str], name: str) -> str:
        """A form sent: answered with a redirect (303/302) to where the user goes next."""
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in (302, 303):
                response.failure(f"{response.status_code} for POST {path}")
            return response.headers.get("Location", "") if response.headers else ""

    @staticmethod
    def _token(page: str | None) -> str:
        match = CSRF.search(page or "")
        return match.group(1) if match else ""

    def _youth(self) -> int:
        return random.choice(self.youths)  # noqa: S311

    def queue(self):
        self._get(self.paths["queue"], "work queue")

    def youth_page(self):
        self._get(self.paths["youth"].format(pk=self._youth()), "youth page")

    def note(self):
        pk = self._youth()
        page = self._get(self.paths["youth"].format(pk=pk), "youth page")
        self._post(
            self.paths["note"].format(pk=pk),
            {"text": "Ringde, ingen svarade.", "csrfmiddlewaretoken": self._token(page)},
            "note POST",
        )

    def search(self):
        page = self._get(self.paths["list"], "youth list")
        location = self._post(
            self.paths["search"],
            {"q": random.choice(SURNAMES), "csrfmiddlewaretoken": self._token(page)},  # noqa: S311
            "search POST",
        )
        if location:
            self._get(location, "search result list")

    def youth_list(self):
        self._get(self.paths["list"], "youth list")

    def floor(self):
        self._get(self.paths["floor"].format(pk=self._youth()), "stack floor")

    # The staff mix, or (a run of the floor alone) what the stack serves with no page work.
    tasks = (
        [floor]
        if PLAN.get("floor_only")
        else {queue: 30, youth_page: 30, note: 15, search: 10, youth_list: 15}
    )
