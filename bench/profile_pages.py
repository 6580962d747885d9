"""Where a staff page's time goes: cProfile over repeated requests of the pages of
`bench.run` (Django's test client, the same staff, on the bench database), and, without the
profiler, the median server time, the median CPU time of this process (the Python side only,
which a busy machine disturbs less than the wall clock) and the query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaa_bench \\
        .venv/bin/python -m bench.profile_pages --repeat 20 --top 25 queue youth list search

Run `python -m bench.run` first (it builds the dataset; `--profile national` here for its
national profile, whose largest municipality's staff are then profiled). Page names are
matched against the start of `bench.run.page_cases`' names ("queue" matches both work
queues).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time

from bench.scb_export import _django

ALIASES = {
    "list": "youth list",
    "search": "search by name",
    "pnr": "search by personnummer",
    "youth": "youth page",
    "queue": "work queue",
    "dashboard": "manager dashboard",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pages", nargs="*", default=["queue", "youth", "list", "search"])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--callers", action="append", default=[], help="show who calls this")
    parser.add_argument(
        "--profile",
        choices=["national", "stress"],
        default="stress",
        help="the dataset bench.run built: national times the largest municipality's staff",
    )
    args = parser.parse_args()
    _django()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.run import CODE, _client, _staff, page_cases
    from kaa.models import Municipality

    settings.KAA_STATS_CACHE_SECONDS = 0
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    if args.profile == "national":
        from bench.national import CODE_BASE
        from kaa.models import Role, User

        municipality = Municipality.objects.get(code=f"{CODE_BASE:04d}")
        data = {
            "municipality": municipality,
            "coach": User.objects.filter(municipality=municipality, role=Role.COACH)
            .order_by("username")
            .first(),
            Role.COORDINATOR: User.objects.get(username=f"bench-sam-{municipality.code}"),
            Role.MANAGER: User.objects.get(username=f"bench-chef-{municipality.code}"),
        }
    else:
        municipality = Municipality.objects.get(code=CODE)
        data = {"municipality": municipality, **_staff(municipality)}
    wanted = [ALIASES.get(p, p) for p in args.pages]
    for name, user, url, search in page_cases(data):
        if not any(name.startswith(w) for w in wanted):
            continue
        client = _client(user)
        if search:
            session = client.session
            session["youth_search"] = search["search"]
            session.save()
        for _ in range(2):  # warm: templates compiled, URLs imported
            assert client.get(url).status_code == 200  # noqa: S101 - a benchmark's own check
        times, cpu = [], []
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for _ in range(args.repeat):
            client.get(url)
        profile.disable()
        profile_s = time.perf_counter() - started
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats(args.sort).print_stats(args.top)
        for caller in args.callers:
            stats.print_callers(caller)
        print(
            f"\n## {name}: median {statistics.median(times):.1f} ms, Python CPU "
            f"{statistics.median(cpu):.1f} ms, {len(ctx.captured_queries)} queries\n"
        )
        print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))
        print(f"\n{args.repeat} requests profiled, {profile_s:.2f} s under the profiler")


if __name__ == "__main__":
    main()
