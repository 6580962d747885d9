"""Benchmark of the statistics: each definition and the whole dashboard, on the
bench database of `bench.scb_export` with contacts added up to a target count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaa_bench \\
        .venv/bin/python -m bench.dashboard --contacts 2000000

Run `python -m bench.scb_export` first (it builds the youths). Contacts are added in SQL
(spread over two years, realistic channel and outcome mix) until the table holds --contacts.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.scb_export import _django

FILL = """
INSERT INTO outreach_contactattempt (at, channel, direction, outcome, note, youth_id,
                                     led_to_contact)
SELECT now() - (random() * interval '700 days'),
       (ARRAY['phone','phone','phone','sms','letter','postcard','home_visit','email',
              'knock_card'])[1 + floor(random() * 9)::int],
       'out',
       (ARRAY['no_answer','no_answer','message_left','reached','sent','wrong_number'])
           [1 + floor(random() * 6)::int],
       '', y.id, false
FROM youth_youth y CROSS JOIN generate_series(1, %s)
WHERE y.municipality_id = %s
"""


def _fill(municipality_id: int, target: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM outreach_contactattempt c JOIN youth_youth y "
            "ON y.id = c.youth_id WHERE y.municipality_id = %s",
            [municipality_id],
        )
        have = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM youth_youth WHERE municipality_id = %s", [municipality_id]
        )
        youths = cursor.fetchone()[0]
        per_youth = max(0, (target - have) // max(youths, 1))
        if per_youth:
            started = time.perf_counter()
            cursor.execute(FILL, [per_youth, municipality_id])
            from outreach.queue.reach_facts import reached_facts_rebuild
            from youth.models import Youth

            reached_facts_rebuild(
                Youth.objects.filter(municipality_id=municipality_id).values_list("pk", flat=True)
            )
            # Bulk SQL bypassed the receivers: sum this municipality's days again.
            from reporting.models import ContactDay, RollupState

            ContactDay.objects.filter(municipality_id=municipality_id).delete()
            RollupState.objects.filter(municipality_id=municipality_id).delete()
            cursor.execute("ANALYZE")
            print(f"added {per_youth * youths} contacts in {time.perf_counter() - started:.0f} s")
        cursor.execute("SELECT count(*) FROM outreach_contactattempt")
        print(f"contacts: {cursor.fetchone()[0]}, youths in the municipality: {youths}")


def measure(code: str, contacts: int, repeat: int, period_sums: str = "on") -> None:
    """Fill contacts up to `contacts`, then time each definition and the whole dashboard
    (`period_sums`: "on", "off" = the "in KAA" figures counted live, or "both")."""
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.utils import timezone

    from kaa.models import Municipality
    from reporting.stats.definitions import REGISTRY, Scope
    from reporting.stats.periods import containing
    from reporting.stats.present import DASHBOARD, sections
    from reporting.stats.rollup import rollup_refresh

    municipality = Municipality.objects.get(code=code)
    _fill(municipality.pk, contacts)
    today = timezone.localdate()
    started = time.perf_counter()
    rollup_refresh(today=today)
    print(f"daily contact sums brought up to date in {time.perf_counter() - started:.1f} s")
    modes = [True, False] if period_sums == "both" else [period_sums == "on"]
    for kind, sums in [(k, m) for k in ("month", "year") for m in modes]:
        settings.KAA_STATS_PERIOD_SUMS = sums
        scope = Scope(municipality_id=municipality.pk, span=containing(kind, today), today=today)
        label = "daily period sums" if sums else "periods counted live"
        print(f"\n### {kind} ({scope.span.label}), {label}\n")
        print("| definition | median ms | max ms |")
        print("|---|---:|---:|")
        for key, definition in REGISTRY.items():
            times = []
            for _ in range(repeat):
                fresh = Scope(municipality_id=municipality.pk, span=scope.span, today=today)
                started = time.perf_counter()
                definition.compute(fresh)  # a new Scope: nothing remembered between runs
                times.append((time.perf_counter() - started) * 1000)
            print(f"| {key} | {statistics.median(times):.0f} | {max(times):.0f} |", flush=True)
        times, queries = [], 0
        for _ in range(repeat):
            connection.force_debug_cursor = True
            reset_queries()
            fresh = Scope(municipality_id=municipality.pk, span=scope.span, today=today)
            started = time.perf_counter()
            sections(fresh, DASHBOARD, suppress=True)
            times.append((time.perf_counter() - started) * 1000)
            queries = len(connection.queries)
            connection.force_debug_cursor = False
        print(
            f"| **whole dashboard** ({queries} queries) | {statistics.median(times):.0f} | "
            f"{max(times):.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=2_000_000)
    parser.add_argument("--code", default="0002")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--period-sums",
        choices=["on", "off", "both"],
        default="on",
        help="the 'in KAA' figures from the daily period sums, counted live, or both",
    )
    args = parser.parse_args()
    _django()
    measure(args.code, args.contacts, args.repeat, args.period_sums)


if __name__ == "__main__":
    main()
