"""python manage.py scb_export: exit codes, files written whole or not at all."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reporting.models import ScbFile
from tests.reporting.conftest import D

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-23 09:00 +01:00", tick=False)


def _call(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("scb_export", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    except CommandError as exc:
        return exc.returncode, str(exc), ""
    return 0, out.getvalue(), err.getvalue()


def _blocking(build):
    youth = build.youth("Ada Ek", born=D(2006, 3, 15))
    build.period(youth, D(2025, 8, 1))  # still open past the 20th birthday


def test_check_exits_0_without_blocking_problems(municipality, register):
    code, out, _err = _call("--period", "2026H1", "--municipality", "1882", "--check")
    assert code == 0
    assert "VARNING NO_CONTACT" in out
    assert "Ungdomar 5, blockerande fel 0" in out
    assert not ScbFile.objects.exists()


def test_check_exits_1_and_prints_the_blocking_problem(municipality, build):
    _blocking(build)
    code, out, _err = _call("--period", "2026H1", "--check")
    assert code == 1
    assert "FEL OVER_20_OPEN" in out
    assert "senast 2026-03-14" in out


def test_output_is_written_and_archived(municipality, register, tmp_path):
    target = tmp_path / "KAA_1882_2026H1.csv"
    code, out, _err = _call("--period", "2026H1", "--output", str(target))
    assert code == 0
    lines = target.read_bytes().decode("windows-1252").split("\r\n")
    assert lines[0].startswith("KOMMUN;PERIOD;PERSONNR")
    assert len([line for line in lines if line]) == 17
    file = ScbFile.objects.get()
    assert f"sha256 {file.sha256}" in out
    assert file.created_by is None
    assert (file.row_count, file.youth_count) == (16, 5)


def test_blocking_problems_leave_no_file_behind(municipality, build, tmp_path):
    _blocking(build)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _out, err = _call("--period", "2026H1", "--output", str(out_dir / "out.csv"))
    assert code == 1
    assert "Ingen fil skriven" in err
    assert list(out_dir.iterdir()) == []
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == []
    assert not ScbFile.objects.exists()


def test_override_writes_despite_blocking_problems(municipality, build, tmp_path):
    _blocking(build)
    target = tmp_path / "out.csv"
    code, _out, _err = _call(
        "--period", "2026H1", "--output", str(target), "--override-reason", "SCB bad om filen ändå"
    )
    assert code == 0
    assert target.exists()
    assert ScbFile.objects.get().override_reason == "SCB bad om filen ändå"


def test_a_municipality_without_youths_gets_a_header_only_file(municipality, tmp_path):
    target = tmp_path / "out.csv"
    code, out, _err = _call("--period", "2026H1", "--output", str(target))
    assert code == 0
    assert "VARNING NO_YOUTHS" in out
    assert target.read_bytes().count(b"\r\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026H3", "--check"], "ÅÅÅÅH1"),
        (["--period", "2027H1", "--check"], "har inte börjat"),
        (["--period", "2026H1", "--municipality", "9999", "--check"], "Okänd kommunkod"),
        (["--period", "2026H1"], "--output"),
        (["--period", "2026H1", "--output", "/nonexistent/dir/out.csv"], "Katalogen finns inte"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(municipality, args, message):
    code, text, _err = _call(*args)
    assert code == 2
    assert message in text


def test_several_municipalities_need_a_code(municipality, other_municipality):
    code, text, _err = _call("--period", "2026H1", "--check")
    assert code == 2
    assert "--municipality" in text


def test_a_broken_profile_exits_2_and_writes_nothing(municipality, register, tmp_path, settings):
    from reporting.scb.profile import SHIPPED_DIR

    local = tmp_path / "profiles"
    local.mkdir()
    text = (SHIPPED_DIR / "kaa-2018H2.toml").read_text(encoding="utf-8")
    (local / "kaa-2018H2.toml").write_text(
        text.replace("ended_reason = [", "ended = ["), encoding="utf-8"
    )
    settings.KAA_SCB_PROFILE_DIR = str(local)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, text, _err = _call("--period", "2026H1", "--output", str(out_dir / "f.csv"))
    assert code == 2
    assert "codes.ended_reason" in text
    assert list(out_dir.iterdir()) == []
