"""The canonical extract and the file: the exact rows for each block and edge case."""

from __future__ import annotations

import datetime as dt

import pytest

from reporting.scb.profile import profile_for
from reporting.scb.writer import run
from tests.reporting.conftest import H1

TODAY = dt.date(2026, 11, 23)
HEADER = [
    "KOMMUN",
    "PERIOD",
    "PERSONNR",
    "POSTTYP",
    "REGDATUM",
    "ORSAKREG",
    "KONTAKTDATUM",
    "SYSSKONTAKT",
    "ATGARDTYP",
    "ATGARDSTART",
    "ATGARDSLUT",
    "SYSSEFTER",
    "UPPHORTDATUM",
    "UPPHORTORSAK",
]


def _row(pnr, kind, reg, reason, contact=("", ""), measure=("", "", "", ""), ended=("", "")):
    return ["1882", "2026H1", pnr, kind, reg, reason, *contact, *measure, *ended]


def _write(municipality, tmp_path, **kwargs):
    out = tmp_path / "kaa.csv"
    outcome = run(
        municipality, H1, profile_for(H1), today=TODAY, verified=False, out=out, **kwargs
    )
    return outcome, out


@pytest.mark.django_db
def test_the_file_has_exactly_the_expected_rows(municipality, register, tmp_path):
    outcome, out = _write(municipality, tmp_path)
    raw = out.read_bytes()
    assert raw.endswith(b"\r\n")
    lines = [line.split(";") for line in raw.decode("windows-1252").split("\r\n") if line]
    pnr = {k: y.personnummer for k, y in register.items()}
    a, b, c, d, f = pnr["anna"], pnr["bo"], pnr["cia"], pnr["dan"], pnr["fia"]
    assert lines == [
        HEADER,
        _row(a, "1", "20250901", "1"),
        _row(a, "2", "20250901", "1", contact=("20260210", "40")),
        _row(a, "2", "20250901", "1", contact=("20260405", "21")),
        _row(a, "3", "20250901", "1", measure=("3", "20251101", "", "")),
        _row(a, "3", "20250901", "1", measure=("1", "20260301", "", "")),
        _row(a, "4", "20250901", "1", measure=("1", "20260301", "20260531", "21")),
        _row(b, "1", "20260201", "3"),
        _row(b, "5", "20260201", "3", ended=("20260515", "4")),
        _row(c, "1", "20260110", "9"),
        _row(c, "5", "20260110", "9", ended=("20260220", "2")),
        _row(c, "1", "20260401", "4"),
        _row(c, "2", "20260401", "4", contact=("20260410", "99")),
        _row(d, "1", "20250801", "1"),
        _row(d, "5", "20250801", "1", ended=("20260314", "1")),
        _row(f, "1", "20260301", "5"),
        _row(f, "2", "20260301", "5", contact=("20260302", "32")),
    ]
    assert outcome.rows == 16
    assert outcome.youths == 5  # Cia has two periods in the half-year: one youth


@pytest.mark.django_db
def test_findings_of_the_register(municipality, register, tmp_path):
    outcome, _out = _write(municipality, tmp_path)
    f = outcome.findings
    assert f.blocking == 0
    assert dict(f.counts) == {
        "REASON_UNKNOWN": 1,
        "NO_CONTACT": 3,
        "CONTACT_OCCUPATION_MISSING": 1,
        "PROFILE_UNVERIFIED": 1,
    }
    assert [(e[0], e[3]) for e in f.excluded] == [
        (register["eva"].pk, "Felregistrerad, tillhör inte målgruppen")
    ]
    q = f.quality.as_dict()
    assert (q["youths"], q["with_reason"], q["with_occupation"], q["with_contact"]) == (6, 5, 2, 3)
    assert q["score"] == round((83 + 33 + 50) / 3)


@pytest.mark.django_db
def test_no_name_or_free_text_reaches_the_file(municipality, register, tmp_path):
    _outcome, out = _write(municipality, tmp_path)
    text = out.read_text(encoding="windows-1252")
    for youth in register.values():
        assert youth.last_name not in text
    assert "Insats" not in text


@pytest.mark.django_db
def test_the_readable_xlsx_mirrors_the_rows_and_lists_the_problems(
    municipality, register, tmp_path
):
    from openpyxl import load_workbook

    readable = tmp_path / "kaa.xlsx"
    run(
        municipality,
        H1,
        profile_for(H1),
        today=TODAY,
        verified=False,
        out=tmp_path / "kaa.csv",
        readable=readable,
    )
    book = load_workbook(readable, read_only=True)
    assert book.sheetnames == ["Rader", "Kontroller", "Koder"]
    rows = list(book["Rader"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 17
    rules = {r[0] for r in list(book["Kontroller"].iter_rows(values_only=True))[1:]}
    assert rules == {
        "REASON_UNKNOWN",
        "NO_CONTACT",
        "CONTACT_OCCUPATION_MISSING",
        "PROFILE_UNVERIFIED",
    }
