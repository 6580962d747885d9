"""Board reports: built on demand or on schedule, stored as PDF and xlsx."""

from __future__ import annotations

import datetime as dt
import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from kaa.audit import Action, audit_event
from kaa.lib.pdf import pdf_render
from kaa.lib.spreadsheets import safe_cell
from kaa.models import Municipality, Team, User
from reporting.board.models import BoardReport
from reporting.stats.definitions import Scope
from reporting.stats.periods import Span, containing
from reporting.stats.present import Section, board_sections
from reporting.stats.suppress import note

log = logging.getLogger(__name__)
SPAN_OF_KIND = {
    "monthly": "month",
    "tertial": "tertial",
    "half_year": "half_year",
    "annual": "year",
}


def _xlsx(title: str, sections: list[Section]) -> bytes:
    book = Workbook(write_only=True)
    for i, section in enumerate(sections, start=1):
        sheet = book.create_sheet(
            title=f"{i} {section.title}"[:31].replace("/", "-").replace("?", "").replace(":", "")
        )
        sheet.append([safe_cell(f"{title}: {section.title}")])
        sheet.append(
            [
                safe_cell(
                    f"{section.description} {note()}" if section.protected else section.description
                )
            ]
        )
        sheet.append([safe_cell(h) for h in section.headers])
        for row in section.rows:
            sheet.append([safe_cell(_number(v)) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(value: str) -> object:
    """Exact counts as numbers in the sheet (so they sum); bands ("<5", "10–14"), shares and
    labels as text."""
    return int(value) if value.isdigit() else value


def board_report_build(
    *,
    municipality: Municipality,
    kind: str,
    span: Span,
    team: Team | None = None,
    actor: User | None = None,
    scheduled: bool = False,
    request_key: str | None = None,
) -> BoardReport:
    now = timezone.now()
    scope = Scope(
        municipality_id=municipality.pk,
        span=span,
        team_id=team.pk if team else None,
        today=timezone.localdate(),
    )
    sections = board_sections(scope, kind)
    kind_label = BoardReport.Kind(kind).label
    context = {
        "municipality": municipality,
        "kind_label": kind_label,
        "span": span,
        "team": team,
        "sections": sections,
        "created_at": now,
        "actor": actor,
        "protection_note": note(),
    }
    pdf = pdf_render("pdf/board_report.html", context)
    xlsx = _xlsx(f"{kind_label} {span.label}", sections)
    stem = f"{municipality.code}-{kind}-{span.start:%Y%m%d}-{span.end:%Y%m%d}"
    with transaction.atomic():
        report = BoardReport(
            municipality=municipality,
            kind=kind,
            start=span.start,
            end=span.end,
            label=span.label,
            team=team,
            scheduled=scheduled,
            created_at=now,
            created_by=actor,
            request_key=request_key,
        )
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        report.save()
        audit_event(action=Action.CREATE, user=actor, obj=report, detail=f"nämndrapport:{kind}")
    return report


# A report whose run was missed (beat or workers down, a failed build) is made by a later run
# within this many days of its period's end (holidays included); older ones only by hand.
CATCH_UP_DAYS = 14


def due_on(day: dt.date) -> list[tuple[str, Span]]:
    """For each kind, the latest period ended before `day`, if it ended at most CATCH_UP_DAYS
    ago: the reports a run on `day` makes where they are missing."""
    yesterday = day - dt.timedelta(days=1)
    due = []
    for kind, span_kind in SPAN_OF_KIND.items():
        span = containing(span_kind, yesterday)
        if span.end != yesterday:  # still running: the one before it ended last
            span = containing(span_kind, span.start - dt.timedelta(days=1))
        if (day - span.end).days <= CATCH_UP_DAYS:
            due.append((kind, span))
    return due


def scheduled_reports_build(*, today: dt.date) -> int:
    """Daily: build each report due (due_on) that a municipality does not have yet. One
    municipality's failure does not stop the others; it is raised at the end (the next run
    tries again)."""
    made, failed = 0, []
    for kind, span in due_on(today):
        for municipality in Municipality.objects.all():
            exists = BoardReport.objects.filter(
                municipality=municipality,
                kind=kind,
                start=span.start,
                end=span.end,
                team__isnull=True,
                scheduled=True,
            ).exists()
            if exists:
                continue
            try:
                board_report_build(municipality=municipality, kind=kind, span=span, scheduled=True)
            except Exception:
                log.exception(
                    "board report %s %s for %s failed", kind, span.label, municipality.code
                )
                failed.append(f"{municipality.code}:{kind}")
                continue
            made += 1
    if failed:
        raise RuntimeError(f"{made} board reports made, these failed: {', '.join(failed)}")
    return made
