"""Board reports: PDF and xlsx with suppressed counts, the annual questions, the schedule."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from kaa.models import AuditEvent
from reporting.board.services import board_report_build, due_on, scheduled_reports_build
from reporting.models import BoardReport
from reporting.stats.periods import span_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-23 09:00 +01:00", tick=False)


def _pdf_text(report) -> str:
    with report.pdf.open("rb") as f:
        pages = PdfReader(io.BytesIO(f.read())).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_monthly_report_is_suppressed_and_names_nobody(municipality, october, manager):
    report = board_report_build(
        municipality=municipality, kind="monthly", span=span_of("month", 2026, 10), actor=manager
    )
    text = _pdf_text(report)
    assert "Månadsstatistik: oktober 2026" in text
    assert "Ungdomar i KAA vid periodens slut" in text
    assert "<5" in text
    for youth in october.values():
        assert youth.last_name not in text
    book = load_workbook(io.BytesIO(report.xlsx.open("rb").read()), read_only=True)
    first = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    assert first[0][0] == "Månadsstatistik oktober 2026: Ungdomar i KAA vid periodens slut"
    assert first[3][0] == "<5"
    assert (report.label, report.created_by, report.scheduled) == ("oktober 2026", manager, False)


def test_the_annual_evaluation_answers_the_bilaga_4_questions(municipality, october):
    report = board_report_build(
        municipality=municipality, kind="annual", span=span_of("year", 2026)
    )
    text = _pdf_text(report)
    for question in (
        "Hur många ungdomar omfattades av KAA under året?",
        "Av vilka orsaker registrerades de?",
        "Vilken sysselsättning hade de vid kontakt?",
        "Hur många nåddes och hur många nåddes inte?",
        "Genom vilken kanal nåddes de?",
        "Vilka aktiviteter deltog de i?",
    ):
        assert question in text


def test_the_schedule_builds_each_report_once_when_its_period_ends(
    municipality, other_municipality
):
    assert [k for k, _s in due_on(dt.date(2026, 11, 1))] == ["monthly"]
    # A later run still makes October's report if it is missing, for two weeks.
    assert [(k, s.label) for k, s in due_on(dt.date(2026, 11, 14))] == [
        ("monthly", "oktober 2026")
    ]
    assert [k for k, _s in due_on(dt.date(2026, 11, 15))] == []
    assert [(k, s.label) for k, s in due_on(dt.date(2027, 1, 1))] == [
        ("monthly", "december 2026"),
        ("tertial", "tertial 3 2026"),
        ("half_year", "halvår 2 2026"),
        ("annual", "2026"),
    ]
    assert [k for k, _s in due_on(dt.date(2026, 5, 1))] == ["monthly", "tertial"]
    assert scheduled_reports_build(today=dt.date(2026, 7, 1)) == 4  # month + half × 2
    assert scheduled_reports_build(today=dt.date(2026, 7, 1)) == 0
    assert BoardReport.objects.filter(scheduled=True, created_by=None).count() == 4
    assert scheduled_reports_build(today=dt.date(2026, 7, 2)) == 0  # made the day before


def test_a_missed_run_is_caught_up_and_one_failure_does_not_stop_the_rest(
    municipality, other_municipality, monkeypatch
):
    from reporting.board import services as services_stats

    real = services_stats.board_report_build

    def fails_for_one(*, municipality, **kwargs):
        if municipality.code == other_municipality.code:
            raise OSError("disk full")
        return real(municipality=municipality, **kwargs)

    monkeypatch.setattr(services_stats, "board_report_build", fails_for_one)
    # The beat was down on July 1st: on the 3rd, June and the first half-year are made.
    with pytest.raises(RuntimeError, match=f"{other_municipality.code}:monthly"):
        scheduled_reports_build(today=dt.date(2026, 7, 3))
    made = BoardReport.objects.filter(scheduled=True)
    assert sorted((r.municipality_id, r.kind) for r in made) == [
        (municipality.pk, "half_year"),
        (municipality.pk, "monthly"),
    ]
    monkeypatch.setattr(services_stats, "board_report_build", real)
    assert scheduled_reports_build(today=dt.date(2026, 7, 4)) == 2  # the next run catches up


def test_a_double_click_on_create_report_makes_one_report(
    client_for, manager, municipality, django_capture_on_commit_callbacks
):
    import re

    client = client_for(manager)
    key = re.search(
        r'name="key" value="([0-9a-f-]{36})"',
        client.get(reverse("reporting:reports")).content.decode(),
    ).group(1)
    for _click in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("reporting:reports"),
                {"report": "tertial", "year": "2026", "number": "2", "key": key},
            )
    assert BoardReport.objects.count() == 1


def test_the_reports_page_builds_lists_and_serves_audited_downloads(
    client_for, manager, municipality, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:reports"), {"report": "tertial", "year": "2026", "number": "2"}
        )
    assert response.status_code == 302
    report = BoardReport.objects.get()
    assert (report.kind, report.start, report.end) == (
        "tertial",
        dt.date(2026, 5, 1),
        dt.date(2026, 8, 31),
    )
    page = client.get(reverse("reporting:reports")).content.decode()
    assert "Tertialrapport" in page
    assert "tertial 2 2026" in page
    pdf = client.get(reverse("reporting:report_pdf", args=[report.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(reverse("reporting:report_xlsx", args=[report.pk]))
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"
    assert AuditEvent.objects.filter(action="export", object_id=str(report.pk)).count() == 2


def test_a_bad_report_request_keeps_the_form(client_for, manager):
    response = client_for(manager).post(
        reverse("reporting:reports"), {"report": "half_year", "year": "2026", "number": "3"}
    )
    body = response.content.decode()
    assert "Välj ett nummer från 1 till 2" in body
    assert 'value="2026"' in body
    assert not BoardReport.objects.exists()


def test_reports_of_another_municipality_are_404(
    client_for, stranger_coordinator, municipality, coach
):
    report = board_report_build(
        municipality=municipality, kind="monthly", span=span_of("month", 2026, 10)
    )
    client = client_for(stranger_coordinator)
    assert client.get(reverse("reporting:report_pdf", args=[report.pk])).status_code == 404
    assert client.get(reverse("reporting:report_xlsx", args=[report.pk])).status_code == 404
    assert "oktober 2026" not in client.get(reverse("reporting:reports")).content.decode()
    assert (
        client_for(coach).get(reverse("reporting:report_pdf", args=[report.pk])).status_code == 403
    )
