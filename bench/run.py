"""The national-scale benchmark (every municipality of the country at once): build a dataset,
then time the staff pages against their physical limit and the jobs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaa_bench \\
        .venv/bin/python -m bench.run --youths 100000 --contacts 2000000 --plans 30000

The dataset is built once in municipality 0100 with the project's demo generator (youths,
periods, occupations, reached calls), SQL-generated contacts and bulk plans; reruns reuse it.
Pages are requested through Django's test client as real staff (a coach, a coordinator with
a second factor, a manager): median and p95 server time, query count, and the time of the
same SQL run directly in PostgreSQL (the physical limit), with the ratio. Jobs are timed once.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import statistics
import time
from typing import Any

from bench.scb_export import _database_ensure, _django

CODE = "0100"
PASSWORD = "Bench-inloggning-2026!"  # noqa: S105 - a local benchmark database only


def _staff(municipality: Any) -> dict[str, Any]:
    from demo.factories import TeamFactory, UserFactory
    from kaa.models import Role, User

    def account(username: str, **fields: Any) -> Any:
        """The account as it is if it exists, otherwise a new one with the bench password."""
        return User.objects.filter(username=username).first() or UserFactory(
            username=username, municipality=municipality, password=PASSWORD, **fields
        )

    users: dict[str, Any] = {}
    for t in range(10):
        team = TeamFactory(municipality=municipality, name=f"Team {t + 1}")
        for c in range(3):
            user = account(
                f"bench-coach-{t}-{c}",
                role=Role.COACH,
                team=team,
                first_name="Coach",
                last_name=f"{t}-{c}",
            )
            users.setdefault("coach", user)
    for name, role in (("bench-sam", Role.COORDINATOR), ("bench-chef", Role.MANAGER)):
        users[role] = account(name, role=role)
    return users


def _plans_bulk(municipality: Any, count: int) -> int:
    """Consents, plans and two interventions each, bulk-written (the services would take an
    hour for 30,000; the pages read the same rows either way)."""
    from demo.factories import ActionPlanFactory, ConsentFactory, InterventionFactory
    from plans.catalogue.services import catalogue_ensure
    from plans.models import ActionPlan, Consent, Intervention, InterventionType
    from youth.models import KaaPeriod

    have = ActionPlan.objects.filter(youth__municipality=municipality).count()
    if have >= count:
        return 0
    catalogue_ensure(municipality)
    types = list(InterventionType.objects.filter(municipality=municipality))
    periods = list(
        KaaPeriod.objects.filter(
            youth__municipality=municipality,
            end_date__isnull=True,
            youth__coach__isnull=False,
            plans__isnull=True,
        ).select_related("youth")[: count - have]
    )
    consents = Consent.objects.bulk_create(
        [
            ConsentFactory.build(
                youth=p.youth,
                period=p,
                given_on=p.start_date,
                place="Bench",
                school=True,
                employment_service=True,
            )
            for p in periods
        ],
        batch_size=2000,
    )
    plans = ActionPlan.objects.bulk_create(
        [
            ActionPlanFactory.build(
                youth=p.youth,
                period=p,
                consent=c,
                case_worker=p.youth.coach,
                goal="Studier eller arbete.",
                start_date=p.start_date,
                next_follow_up=p.start_date + dt.timedelta(days=30),
            )
            for p, c in zip(periods, consents, strict=True)
        ],
        batch_size=2000,
    )
    Intervention.objects.bulk_create(
        [
            InterventionFactory.build(
                plan=plan,
                type=types[(i + k) % len(types)],
                purpose="Komma vidare",
                actual_start=plan.start_date + dt.timedelta(days=7 * k),
                follow_up_on=plan.start_date + dt.timedelta(days=30),
            )
            for i, plan in enumerate(plans)
            for k in range(2)
        ],
        batch_size=2000,
    )
    return len(plans)


def _long_timeline(youth: Any, entries: int = 400) -> None:
    from demo.factories import TimelineEntryFactory
    from youth.models import TimelineEntry

    if TimelineEntry.objects.filter(youth=youth).count() >= entries:
        return
    now = dt.datetime.now(dt.UTC)
    TimelineEntry.objects.bulk_create(
        [
            TimelineEntryFactory.build(
                youth=youth, at=now - dt.timedelta(hours=i), kind="note", summary=f"Händelse {i}"
            )
            for i in range(entries)
        ]
    )


def dataset(youths: int, contacts: int, plans: int) -> dict[str, Any]:
    _database_ensure()
    _django()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.dashboard import _fill
    from demo.youths import demo_youths_ensure
    from kaa.models import Municipality
    from outreach.routine.engine import deadlines_refresh
    from outreach.routine.services import routine_from_template
    from reporting.stats.rollup import rollup_refresh

    call_command("migrate", verbosity=0)
    municipality, _ = Municipality.objects.get_or_create(code=CODE, defaults={"name": "Riksbänk"})
    users = _staff(municipality)
    from outreach.models import Routine

    if not Routine.objects.filter(municipality=municipality, is_current=True).exists():
        routine_from_template(municipality=municipality, key="askersund", actor=None)
    steps = [
        ("youths", lambda: demo_youths_ensure(municipality=municipality, count=youths)),
        ("contacts", lambda: _fill(municipality.pk, contacts)),
        ("plans", lambda: _plans_bulk(municipality, plans)),
        ("tasks", deadlines_refresh),
        ("sums", lambda: rollup_refresh(today=timezone.localdate())),
    ]
    for name, step in steps:
        started = time.perf_counter()
        step()
        print(f"dataset {name}: {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"municipality": municipality, **users}


def _client(user: Any) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _sql_time(queries: list[dict[str, Any]]) -> float:
    """The same SQL, run directly (the physical limit), in ms."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for q in queries:
            sql = q["sql"]
            if sql.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                continue
            cursor.execute(sql)
            if cursor.description:
                cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def page_cases(data: dict[str, Any]) -> list[tuple[str, Any, str, dict[str, str]]]:
    from django.urls import reverse

    from youth.models import Youth

    municipality = data["municipality"]
    youth = (
        Youth.objects.filter(municipality=municipality, coach=data["coach"]).order_by("pk").first()
    )
    _long_timeline(youth)
    sam, coach, chef = data["coordinator"], data["coach"], data["manager"]
    return [
        (
            "youth list, filtered (coordinator)",
            sam,
            reverse("youth:list") + "?in_kaa=yes&not_reached=on&sort=alder",
            {},
        ),
        (
            "search by personnummer",
            sam,
            reverse("youth:list") + "?s=1",
            {"search": youth.personnummer},
        ),
        ("search by name", sam, reverse("youth:list") + "?s=1", {"search": youth.last_name}),
        ("youth page, 400-line timeline", coach, reverse("youth:detail", args=[youth.pk]), {}),
        ("work queue (coach)", coach, reverse("outreach:queue"), {}),
        (
            "work queue, municipality (coordinator)",
            sam,
            reverse("outreach:queue") + "?vy=kommun",
            {},
        ),
        ("manager dashboard (cold)", chef, reverse("reporting:dashboard"), {}),
    ]


def pages(data: dict[str, Any], repeat: int) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.KAA_STATS_CACHE_SECONDS = 0  # measure the computation, not the cache
    # No collectstatic for a benchmark: plain static storage (the manifest is a dict lookup).
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    print("\n| page | median ms | p95 ms | queries | SQL ms | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, user, url, search in page_cases(data):
        client = _client(user)
        if search:
            session = client.session
            session["youth_search"] = search["search"]
            session.save()
        times, sql_ms, count = [], [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            count = len(ctx.captured_queries)
            sql_ms.append(_sql_time(ctx.captured_queries))
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        median, sql = statistics.median(times), statistics.median(sql_ms)
        print(
            f"| {name} | {median:.0f} | {p95:.0f} | {count} | {sql:.0f} | "
            f"{median / max(sql, 0.1):.1f} |",
            flush=True,
        )


def _timed(name: str, fn: Any, show: Any = str) -> Any:
    started = time.perf_counter()
    result = fn()
    print(f"| {name} | {time.perf_counter() - started:.1f} | {show(result)} |", flush=True)
    return result


def _due_at_20(municipality: Any, today: dt.date, count: int) -> None:
    """Make `count` open youths turn 20 today (bench data only), so the job has work."""
    from youth.models import KaaPeriod, Youth

    ids = list(
        KaaPeriod.objects.filter(
            youth__municipality=municipality,
            end_date__isnull=True,
            start_date__lte=today - dt.timedelta(days=30),
        ).values_list("youth_id", flat=True)[:count]
    )
    born = today.replace(year=today.year - 20)
    Youth.objects.filter(pk__in=ids).update(birth_date=born)


def jobs(data: dict[str, Any], *, import_rows: int = 10_000, letters: int = 500) -> None:
    from django.utils import timezone

    from outreach.letters.pdf import batch_pdf_render
    from outreach.letters.services import templates_ensure_defaults
    from outreach.models import MessageTemplate, Task
    from outreach.routine.engine import deadlines_refresh
    from youth.importing.services import import_apply, import_plan
    from youth.models import Reason
    from youth.register.services import turning_20_deregister

    municipality = data["municipality"]
    today = timezone.localdate()
    print("\n| job | seconds | result |")
    print("|---|---:|---|")
    _timed("daily deadline job", deadlines_refresh)
    _timed("daily deadline job, second run (no changes)", deadlines_refresh)
    _due_at_20(municipality, today, 300)
    _timed("20th-birthday job (300 due)", lambda: turning_20_deregister(today=today))
    from demo.youths import personnummer_for

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["personnummer", "fornamn", "efternamn"])
    from youth.models import Youth

    base = Youth.objects.count()  # new serials every run, so the rows are new youths
    for i in range(import_rows):
        born = today.replace(year=today.year - 17) - dt.timedelta(days=(base + i) % 700)
        writer.writerow(
            [personnummer_for(born, (base + i) // 700 % 1000), "Import", f"Rad{base + i}"]
        )
    raw = out.getvalue().encode()
    plan = _timed(
        f"import_register, {import_rows} rows (plan)",
        lambda: import_plan(raw=raw, filename="bench.csv", municipality=municipality),
        show=lambda p: f"{len(p.new)} new, {len(p.errors)} row errors",
    )
    reason = Reason.objects.get(kind="registration", code="OVRIGT")
    _timed(
        f"import_register, {import_rows} rows (apply)",
        lambda: (
            import_apply(plan=plan, municipality=municipality, reason=reason, actor=None)
            or plan.summary()
        ),
    )
    templates_ensure_defaults(municipality=municipality, actor=None)
    template = MessageTemplate.objects.filter(
        municipality=municipality, kind=MessageTemplate.Kind.LETTER
    ).first()
    tasks = list(
        Task.objects.filter(
            youth__municipality=municipality, youth__protected_identity=False
        ).select_related("youth")[:letters]
    )
    from outreach.models import LetterBatch

    batch = LetterBatch(
        municipality=municipality,
        template=template,
        task_ids=[t.pk for t in tasks],
        created_by=data["coordinator"],
    )
    _timed(
        f"{len(tasks)} letters as one PDF",
        lambda: f"{len(batch_pdf_render(batch, tasks)) // 1024} kB",
    )


def load_paths() -> dict[str, str]:
    from django.urls import reverse

    return {
        "login": reverse("kaa:login"),
        "queue": reverse("outreach:queue"),
        "youth": reverse("youth:detail", args=[0]).replace("/0/", "/{pk}/"),
        "note": reverse("youth:note_add", args=[0]).replace("/0/", "/{pk}/"),
    }


def load_accounts(municipality: Any) -> list[tuple[str, str, list[int]]]:
    from kaa.models import Role, User

    accounts = []
    for coach in User.objects.filter(
        municipality=municipality, role=Role.COACH, username__startswith="bench-coach-"
    ):
        ids = list(coach.caseload.order_by("pk").values_list("pk", flat=True)[:20])
        if ids:
            accounts.append((coach.username, PASSWORD, ids))
    return accounts


def load(
    data: dict[str, Any],
    *,
    users: int,
    seconds: int,
    workers: int,
    think: tuple[float, ...] = (0.0,),
) -> None:
    """gunicorn on 127.0.0.1 (loopback only), `users` concurrent staff for `seconds`."""
    import os
    import subprocess
    import sys
    import tempfile
    import urllib.request

    from bench.load import run_load

    env = {
        **os.environ,
        "STATIC_ROOT": tempfile.mkdtemp(prefix="kaa-bench-static-"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "false",
        "AXES_FAILURE_LIMIT": "1000",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],  # noqa: S603
        env=env,
        check=True,
    )
    port = 8765
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kaa.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        print(
            "\n| load | users | think s | seconds | requests | req/s | median ms | p95 ms "
            "| errors |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for pause in think:
            result = run_load(
                base,
                users,
                seconds,
                load_accounts(data["municipality"]),
                load_paths(),
                think=pause,
            )
            print(
                f"| gunicorn {workers}×4 threads | {users} | {pause:g} | {seconds} | "
                f"{result['requests']} | {result['per_second']:.1f} | "
                f"{result['median_ms']:.0f} | {result['p95_ms']:.0f} | {result['errors']} |",
                flush=True,
            )
            if result["errors"]:
                print(f"first errors: {result['first_errors']}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--youths", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=2_000_000)
    parser.add_argument("--plans", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-jobs", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--think",
        type=float,
        nargs="+",
        default=[0.0, 10.0],
        help="mean pause between a user's clicks, seconds (one run each)",
    )
    args = parser.parse_args()
    data = dataset(args.youths, args.contacts, args.plans)
    if not args.skip_pages:
        pages(data, args.repeat)
    if not args.skip_jobs:
        jobs(data)
        from bench.scb_export import _measure

        print("\n| SCB export: youths | rows | export s | COPY s | peak MB |")
        print("|---:|---:|---:|---:|---:|")
        import contextlib
        import io as _io

        buffer = _io.StringIO()
        with contextlib.redirect_stdout(buffer):
            _measure(CODE)
        youths, rows, export_s, copy_s, peak, _size = buffer.getvalue().split("\t")
        print(f"| {youths} | {rows} | {export_s} | {copy_s} | {peak} |")
    if args.users:
        load(
            data,
            users=args.users,
            seconds=args.seconds,
            workers=args.workers,
            think=tuple(args.think),
        )


if __name__ == "__main__":
    main()
