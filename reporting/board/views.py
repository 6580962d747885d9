"""The board reports page: order a report, list the stored ones, download them. Aggregates
only (Perm.VIEW_AGGREGATES); board reports are always protected figures
(reporting.stats.suppress)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa import outbox
from kaa.access import Perm, get_in_municipality, perm_required, user_municipality_id
from kaa.audit import Action, audit_event
from kaa.lib.http import request_key
from kaa.lib.waiting import wait_start, wait_state
from kaa.types import AuthenticatedHttpRequest
from reporting.board import forms
from reporting.board.models import BoardReport


@login_required
@perm_required(Perm.VIEW_AGGREGATES)
@require_http_methods(["GET", "POST"])
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality_id = user_municipality_id(request)
    form = forms.BoardReportForm(request.POST or None, municipality_id=municipality_id)
    if request.method == "POST" and form.is_valid():
        span, team = form.cleaned_data["span"], form.cleaned_data.get("team")
        kind, user_id = form.cleaned_data["report"], request.user.pk
        outbox.enqueue(
            "reporting.board.tasks.board_report_build",
            municipality_id,
            kind,
            span.start.isoformat(),
            span.end.isoformat(),
            team.pk if team else None,
            user_id,
            request_key=str(request_key(request) or uuid.uuid4()),
        )
        wait_start(request, WAIT_KEY, _stored(request).count())
        messages.success(request, _("Rapporten skapas. Den visas i listan när den är klar."))
        return redirect("reporting:reports")
    return render(
        request,
        "reporting/board/reports.html",
        {"form": form, "key": uuid.uuid4(), **_listing(request)},
    )


WAIT_KEY = "board-report"


def _stored(request: AuthenticatedHttpRequest) -> QuerySet[BoardReport]:
    return BoardReport.objects.filter(municipality_id=user_municipality_id(request))


def _listing(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The stored reports, one page, and whether a report ordered is still being made."""
    stored = _stored(request).select_related("created_by", "team")
    page = Paginator(stored, 25).get_page(request.GET.get("page"))
    return {"page": page, **wait_state(request, WAIT_KEY, page.paginator.count)}


@login_required
@perm_required(Perm.VIEW_AGGREGATES)
@require_GET
def reports_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list part of the page, asked again while an ordered report is made."""
    return render(request, "reporting/board/partials/list.html", _listing(request))


@login_required
@perm_required(Perm.VIEW_AGGREGATES)
@require_GET
def report_download(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> FileResponse:
    report = get_in_municipality(request, BoardReport.objects.all(), pk=pk)
    stored = report.pdf if fmt == "pdf" else report.xlsx
    audit_event(request=request, action=Action.EXPORT, obj=report, detail=f"nämndrapport:{fmt}")
    content_type = (
        "application/pdf"
        if fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"{report.get_kind_display()} {report.label}.{fmt}".replace("/", "-")
    return FileResponse(
        stored.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
