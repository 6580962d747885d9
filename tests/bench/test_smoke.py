"""The benchmarks are not tests, but they must not rot: run them at a tiny scale."""

from __future__ import annotations

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
    youths, rows, export_s, copy_s, peak_mb, size = capsys.readouterr().out.strip().split("\t")
    assert 0 < int(youths) <= 25
    assert int(rows) >= int(youths)
    assert float(export_s) > 0
    assert float(copy_s) >= 0
    assert float(peak_mb) > 0
    assert int(size) > 0


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
    data = {"municipality": tiny, **_staff(tiny)}
    from youth.models import Youth

    Youth.objects.filter(municipality=tiny).update(coach=data["coach"], team=data["coach"].team)
    routine_from_template(municipality=tiny, key="askersund", actor=None)
    deadlines_refresh()
    pages(data, repeat=1)
    jobs(data, import_rows=20, letters=3)
    out = capsys.readouterr().out
    assert "| youth page, 400-line timeline |" in out
    assert "| manager dashboard (cold) |" in out
    assert "import_register, 20 rows (apply)" in out
    assert "letters as one PDF" in out


@pytest.mark.django_db(transaction=True)
def test_the_load_scenario_runs_against_a_live_server(live_server, municipality, team):
    """Three users for two seconds: logins, reads and note writes, and no errors."""
    from bench.load import run_load
    from bench.run import PASSWORD, load_paths
    from kaa.models import Role
    from tests.factories import UserFactory, youth_make
    from youth.models import Note

    coach = UserFactory(
        username="bench-coach-x",
        role=Role.COACH,
        municipality=municipality,
        team=team,
        password=PASSWORD,
    )
    ids = [youth_make(municipality=municipality, coach=coach).pk for _ in range(2)]
    result = run_load(live_server.url, 3, 2, [(coach.username, PASSWORD, ids)], load_paths())
    assert result["errors"] == 0, result["first_errors"]
    assert result["requests"] > 3
    assert result["p95_ms"] > 0
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
