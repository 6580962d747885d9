"""Benchmark of the SCB export: time and peak memory at two scales, against a raw
PostgreSQL COPY of the same columns (the physical limit) and against the export's own records
query run alone as a COPY (what deriving the records costs before any rule).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaa_bench \\
        .venv/bin/python -m bench.scb_export --small 6000 --large 60000

Builds the youths with the project's demo generator in municipalities 0001 and 0002 of the
given database (created and migrated if missing; rerunning reuses the data), then runs each
export in a fresh process so that peak memory (ru_maxrss) is the export's own.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from typing import Any

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/kaa_bench"


def _django() -> None:
    from django.conf import settings

    if settings.configured:  # already set up (the smoke test in tests/bench)
        return
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaa.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("KAA_DEMO", "true")
    os.environ.setdefault("HTTPS", "false")  # the test client speaks plain HTTP
    import django

    django.setup()


def _database_ensure() -> None:
    import psycopg

    url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _prepare(sizes: list[int]) -> None:
    _database_ensure()
    _django()
    from django.core.management import call_command

    from demo.staff import demo_staff_ensure
    from demo.youths import demo_youths_ensure
    from kaa.models import Municipality

    call_command("migrate", verbosity=0)
    demo_staff_ensure()
    for index, size in enumerate(sizes, start=1):
        municipality, _ = Municipality.objects.get_or_create(
            code=f"{index:04d}", defaults={"name": f"Bench {size}"}
        )
        started = time.perf_counter()
        made = demo_youths_ensure(municipality=municipality, count=size)
        print(
            f"municipality {municipality.code}: {made} new youths "
            f"({time.perf_counter() - started:.1f} s)",
            flush=True,
        )


def _measure(code: str) -> None:
    """In a child process: one export, then a COPY of the same columns; prints one line."""
    import tempfile
    import tracemalloc
    from pathlib import Path

    _django()
    from django.db import connection
    from django.utils import timezone

    from kaa.models import Municipality
    from reporting.scb.periods import HalfYear
    from reporting.scb.profile import profile_for

    municipality = Municipality.objects.get(code=code)
    today = timezone.localdate()
    period = HalfYear.containing(today)
    profile = profile_for(period)
    connection.ensure_connection()
    with tempfile.TemporaryDirectory() as tmp:

        def export() -> Any:
            return export_file(municipality, period, profile, today, Path(tmp) / "kaa.csv")

        # A first, untimed run: the timed one then finds what a long-running worker has
        # (translations, the profile's rules, the tables in PostgreSQL's cache), as the COPY
        # after it does.
        export()
        started = time.perf_counter()
        outcome = export()
        export_s = time.perf_counter() - started
        # A third, traced run for the Python heap's peak during the export.
        tracemalloc.start()
        export()
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    copy_s, size = raw_copy(period, [municipality.pk])
    records_s = _records_copy_seconds(municipality, period)
    print(
        f"{outcome.youths}\t{outcome.rows}\t{export_s:.2f}\t{copy_s:.2f}\t{peak_mb:.1f}\t{size}"
        f"\t{records_s:.2f}",
        flush=True,
    )


def export_file(municipality: Any, period: Any, profile: Any, today: Any, out: Any) -> Any:
    """One SCB file as the half-yearly job makes it (unverified, in this process)."""
    from reporting.scb.writer import run

    return run(
        municipality, period, profile, today=today, verified=False, out=out, allow_blocking=True
    )


# The physical limit of an export: the same columns from the same tables, joined and
# COPYed out as they are, with no rule applied.
RAW_COPY_SQL = """
    COPY (SELECT y.personnummer, p.start_date, r.code, c.at, t.code, p.end_date
          FROM youth_kaaperiod p JOIN youth_youth y ON y.id = p.youth_id
          JOIN youth_reason r ON r.id = p.registration_reason_id
          LEFT JOIN outreach_contactattempt c ON c.youth_id = y.id
               AND c.outcome = 'reached' AND c.at >= %s
          LEFT JOIN youth_occupation o ON o.youth_id = y.id AND o.end_date IS NULL
          LEFT JOIN youth_occupationtype t ON t.id = o.type_id
          WHERE y.municipality_id = ANY(%s) AND p.start_date <= %s
            AND (p.end_date IS NULL OR p.end_date >= %s)) TO STDOUT"""


def raw_copy(period: Any, municipality_ids: list[int]) -> tuple[float, int]:
    """Seconds and bytes of RAW_COPY_SQL over the municipalities' periods in `period`."""
    from django.db import connection

    connection.ensure_connection()
    started = time.perf_counter()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(
            RAW_COPY_SQL, [period.start, municipality_ids, period.end, period.start]
        ) as copy,
    ):
        size = sum(len(block) for block in copy)
    return time.perf_counter() - started, size


def _records_copy_seconds(municipality: Any, period: Any) -> float:
    """The export's own records query (every period's contacts, measures, strays and
    occupations, derived in PostgreSQL) run alone as a COPY to nowhere: what any export that
    derives the records pays before its first check or line, whatever language those are in."""
    from django.db import connection

    from reporting.scb.source import RECORDS_SQL, _records_params

    raw = connection.connection
    started = time.perf_counter()
    with (
        raw.cursor() as cursor,
        cursor.copy(
            f"COPY ({RECORDS_SQL}) TO STDOUT",  # noqa: S608  # nosec B608 - constants only
            _records_params(municipality, period),
        ) as copy,
    ):
        for _block in copy:
            pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=6000)
    parser.add_argument("--large", type=int, default=60000)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _measure(args.measure)
        return
    sizes = [args.small, args.large]
    _prepare(sizes)
    print(
        "\n| youths in file | rows | export s | COPY s | records query s | ratio "
        "| peak MB (Python heap) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for index in range(1, len(sizes) + 1):
        line = (
            subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "bench.scb_export",
                    "--measure",
                    f"{index:04d}",
                ],
                capture_output=True,
                text=True,
                check=True,
                env=os.environ.copy(),
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        youths, rows, export_s, copy_s, peak, _size, records_s = line.split("\t")
        ratio = float(export_s) / max(float(copy_s), 0.001)
        print(
            f"| {youths} | {rows} | {export_s} | {copy_s} | {records_s} | {ratio:.1f} | {peak} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
