"""The benchmarks are not tests, but they must not rot: run them at a tiny scale."""

from __future__ import annotations

import os

import pytest

from demo.youths import demo_youths_ensure
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny():
    municipality = MunicipalityFactory(code="0001", name="Bench")
    demo_youths_ensure(municipality=municipality, count=25)
    return municipality


def test_the_scb_export_benchmark_measures_a_tiny_run(tiny, capsys):
    from bench.scb_export import _measure

    _measure(tiny.code)
    out = capsys.readouterr().out.strip().split("\t")
    youths, rows, export_s, copy_s, peak_mb, size, records_s = out
    assert 0 < int(youths) <= 25
    assert int(rows) >= int(youths)
    assert float(export_s) > 0
    assert float(copy_s) >= 0
    assert float(peak_mb) > 0
    assert int(size) > 0
    assert float(records_s) >= 0


def test_the_dashboard_benchmark_measures_a_tiny_run(tiny, capsys):
    from bench.dashboard import measure

    measure(tiny.code, contacts=100, repeat=1)
    out = capsys.readouterr().out
    assert "contacts:" in out
    assert out.count("**whole dashboard**") == 2
    assert "| last_contact_ageing |" in out


def test_the_page_and_job_benchmark_runs_at_a_tiny_scale(tiny, capsys, settings):
    from bench.run import _staff, jobs, pages
    from outreach.routine.engine import deadlines_refresh
    from outreach.routine.services import routine_from_template

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": dict(settings.STORAGES["staticfiles"]),
    }
    data = {"municipality": tiny, "municipality_ids": [tiny.pk], "youths": 25, **_staff(tiny)}
    from youth.models import Youth

    Youth.objects.filter(municipality=tiny).update(coach=data["coach"], team=data["coach"].team)
    routine_from_template(municipality=tiny, key="askersund", actor=None)
    deadlines_refresh()
    rows = pages(data, repeat=1)
    figures = jobs(data, import_rows=20, letters=3)
    out = capsys.readouterr().out
    assert "| youth page, 400-line timeline |" in out
    assert "| manager dashboard (cold) |" in out
    assert "import_register, 20 rows (apply)" in out
    assert "letters as one PDF" in out
    assert "| deadline job, incremental run (no changes) |" in out
    assert "youths changed) |" in out
    assert [r["name"] for r in rows][-1] == "manager dashboard (cold)"
    assert all(r["queries"] > 0 and r["sql"] >= 0 for r in rows)
    names = [f.name for f in figures]
    assert names[0].startswith("deadline job, full run (")
    assert names[1] == "deadline job, incremental run with nothing changed"
    assert names[2].startswith("deadline job, incremental run after ")
    assert all(f.row().count("|") == 7 for f in figures)
    assert figures[0].floor.startswith("due SQL ")


def test_the_scb_figures_of_the_bench_run_at_a_tiny_scale(tiny, capsys):
    from bench.run import scb

    other = MunicipalityFactory(code="0002", name="Bench two")
    demo_youths_ensure(municipality=other, count=10)
    one, every = scb({"municipality": tiny, "municipality_ids": [tiny.pk, other.pk]})
    assert one.name.startswith("SCB export, ")
    assert "youths" in one.name
    assert "raw COPY " in one.floor
    assert "records query alone " in one.floor
    assert every.name.startswith("SCB export, every municipality in turn (2 files, ")
    youths = int(every.name.split(" files, ")[1].split(" youths")[0])
    assert int(one.name.split()[2]) < youths <= 35
    assert every.row().count("|") == 7
    assert "SCB export of all 2 municipalities" in capsys.readouterr().out


def test_the_national_profile_is_shaped_like_the_country():
    from bench.national import YOUTHS, shape

    country = shape(1)
    sizes = sorted((s.youths for s in country), reverse=True)
    assert len(country) == 290
    assert abs(sum(sizes) - YOUTHS) < 300
    assert sizes[0] > 10_000
    assert sizes[4] > 2_000
    assert sum(1 for n in sizes if 50 <= n <= 1000) > 0.8 * len(sizes)  # most are small
    coaches = sum(s.coaches for s in country)
    assert 1_800 <= coaches <= 2_200
    caseloads = [0.85 * s.youths / s.coaches for s in country if s.youths > 200]
    assert 30 <= min(caseloads)
    assert max(caseloads) <= 80
    assert len({s.routine for s in country}) == 4
    small = shape(0.01)
    assert len(small) == 3
    assert abs(sum(s.youths for s in small) - 1000) < 10


def test_the_national_profile_builds_at_a_tiny_scale(capsys):
    from bench.national import build, describe, load_accounts

    data = build(0.0005)
    text = describe(data["municipality_ids"])
    assert text.startswith("3 municipalities (")
    assert " 50 youths (" in text or " 51 youths (" in text
    from outreach.models import ContactAttempt, Task
    from youth.models import Youth

    youths = Youth.objects.filter(municipality_id__in=data["municipality_ids"])
    assert ContactAttempt.objects.filter(youth__in=youths).count() >= 500
    assert Task.objects.filter(youth__in=youths, status="done").exists()  # routines under way
    assert data["coach"].municipality == data["municipality"]
    accounts = load_accounts(data["municipality_ids"], 10)
    assert accounts
    assert all(ids for _u, _p, ids in accounts)
    assert "dataset plans:" in capsys.readouterr().out


def test_the_gunicorn_workers_memory_is_sampled():
    import os
    import subprocess
    import time

    from bench.loadrun import RssSampler, rss_kb, workers_of

    child = subprocess.Popen(["sleep", "5"])
    try:
        assert child.pid in workers_of(os.getpid())
        assert rss_kb(child.pid) > 0
        sampler = RssSampler(os.getpid(), interval=0.1)
        sampler.start()
        time.sleep(0.35)
        memory = sampler.stop()
    finally:
        child.kill()
        child.wait()
    assert memory["workers"] >= 1
    assert memory["start_mb"] > 0
    assert memory["end_mb"] > 0


@pytest.mark.urls("bench.urls")
@pytest.mark.django_db(transaction=True)
def test_the_locust_scenario_runs_against_a_live_server(live_server, municipality, team, tmp_path):
    """Three locust users for eight seconds in a coach's session: the whole staff mix with
    note writes, and the stack's floor alone, with no errors; the CSV stats are kept."""
    from django.conf import settings

    from bench.loadrun import locust
    from bench.run import _client, load_paths
    from kaa.models import Role
    from tests.factories import UserFactory, youth_make
    from youth.models import Note

    coach = UserFactory(
        username="bench-coach-x", role=Role.COACH, municipality=municipality, team=team
    )
    ids = [youth_make(municipality=municipality, coach=coach).pk for _ in range(2)]
    session = _client(coach).cookies[settings.SESSION_COOKIE_NAME].value
    plan = {
        "accounts": [(coach.username, session, ids)],
        "paths": load_paths(),
        "think": 0,
        "cookie": settings.SESSION_COOKIE_NAME,
    }
    mix = locust(
        live_server.url, plan, name="mix", users=3, seconds=8, out=tmp_path, master=os.getpid()
    )
    floor = locust(
        live_server.url,
        {**plan, "floor_only": True},
        name="floor",
        users=2,
        seconds=5,
        out=tmp_path,
        master=os.getpid(),
    )
    assert mix["failures"] == 0, (tmp_path / "mix_failures.csv").read_text()
    assert mix["requests"] > 5
    assert mix["p95_ms"] > 0
    assert mix["per_second"] > 0
    assert floor["failures"] == 0
    assert floor["requests"] > 2
    assert "stack floor" in (tmp_path / "floor_mix_times.csv").read_text()
    stats = (tmp_path / "mix_stats.csv").read_text()
    for name in ("work queue", "youth page", "note POST", "search result list", "youth list"):
        assert name in stats
    assert (tmp_path / "mix_rss.csv").read_text().startswith("seconds,pid,rss_kb")
    assert Note.objects.filter(youth_id__in=ids).exists()


def test_the_register_extract_benchmark_measures_a_tiny_run(capsys):
    from bench.register_extract import measure

    measure(3, 4, 5, repeat=1)
    out = capsys.readouterr().out
    assert out.startswith("3 notes, 4 timeline entries, 5 reads: median ")
    assert "MB PDF" in out


def test_the_identification_benchmark_measures_a_tiny_run(capsys):
    from bench.identification import load, measure

    load(persons=400, enrolments=800, code="9001")
    result = measure(code="9001")
    assert result["persons"] == 400
    assert result["join_rows"] == 800
    assert 0 < result["in_group"] < 400
    assert result["proposals"] >= result["in_group"]  # the register is empty
    assert result["run_s"] > 0
    assert result["steady_proposals"] == 0  # the group registered: nothing to propose
    assert "| run / join |" in capsys.readouterr().out


@pytest.mark.urls("bench.urls")
def test_the_stack_floor_view_checks_access_and_audits_like_a_page(
    client, client_for, coach, manager, stranger_coordinator, municipality
):
    """The bench-only floor: login required, the youth's object-level access checked (a
    stranger gets 404), one read event per view, a CSRF token in the answer."""
    from kaa.models import AuditEvent
    from tests.factories import youth_make

    youth = youth_make(municipality=municipality, coach=coach)
    path = f"/bench/floor/{youth.pk}/"
    assert client.get(path).status_code == 302  # to the login
    response = client_for(coach).get(path)
    assert response.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in response.content
    assert AuditEvent.objects.filter(youth_id=youth.pk, action="read", detail="floor").count() == 1
    assert client_for(stranger_coordinator).get(path).status_code == 404
    assert client_for(manager).get("/bench/floor/").status_code == 200
    assert AuditEvent.objects.filter(object_type="bench", user=manager).count() == 1
