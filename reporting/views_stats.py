"""Dashboards, definitions and board reports: aggregates only (Perm.VIEW_AGGREGATES).

No page here shows a youth's name or personnummer. Managers (who may not see individual
records) get protected figures for preset periods only, and board reports are always
protected (reporting.stats.suppress)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa import outbox
from kaa.access import Perm, get_in_municipality, has_perm, perm_required
from kaa.audit import Action, audit_event
from kaa.lib.http import request_key
from reporting import forms
from reporting.coverage import coverage_shown
from reporting.models import BoardReport
from reporting.stats.cache import cached_sections
from reporting.stats.definitions import REGISTRY, Scope
from reporting.stats.periods import containing
from reporting.stats.present import DASHBOARD
from reporting.stats.suppress import note, threshold


def _suppress(request: HttpRequest) -> bool:
    return not has_perm(request.user, Perm.VIEW_MUNICIPALITY_RECORDS)


def _period_form(request: HttpRequest, **kwargs: Any) -> tuple[forms.StatsPeriodForm, Any,
                                                                 Any]:
    today = timezone.localdate()
    default = containing("month", today)
    initial = {"kind": "month", "year": today.year, "number": today.month}
    data = request.GET if "kind" in request.GET else None
    form = forms.StatsPeriodForm(data, initial=initial,
                                 municipality_id=request.user.municipality_id,
                                 custom_range=not _suppress(request), **kwargs)
    if data is not None and form.is_valid():
        return form, form.cleaned_data["span"], form.cleaned_data.get("team")
    return form, default, None


@login_required
@perm_required(Perm.VIEW_AGGREGATES)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form, span, team = _period_form(request)
    scope = Scope(municipality_id=request.user.municipality_id, span=span,
                  team_id=team.pk if team else None, today=timezone.localdate())
    suppress = _suppress(request)
    shown, counted_at = cached_sections(scope, DASHBOARD, suppress=suppress,
                                        fresh=request.GET.get("fresh") == "1")
    audit_event(request=request, action=Action.READ, object_type="reporting.dashboard",
                detail=f"{span.kind}:{span.start}:{span.end}")
    return render(request, "reporting/dashboard.html", {
        "form": form, "span": span, "team": team, "sections": shown, "suppress": suppress,
        "counted_at": counted_at, "fresh_query": _fresh_query(request),
        "threshold": threshold(), "protection_note": note(),
        "headline": {s.key: s for s in shown if s.key in ("in_kaa_at_end", "in_kaa_during",
                                                          "in_intervention")},
        "coverage": coverage_shown(municipality=request.user.municipality, suppress=suppress,
                                   links=has_perm(request.user, Perm.ASSIGN_CASES)),
    })


def _fresh_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["fresh"] = "1"
    return query.urlencode()


@login_required
@perm_required(Perm.VIEW_AGGREGATES)
@require_GET
def definitions(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/definitions.html",
                  {"definitions": list(REGISTRY.values()), "threshold": threshold(),
                   "protection_note": note()})


@login_required
@perm_required(Perm.VIEW_AGGREGATES)
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    form = forms.BoardReportForm(request.POST or None,
                                 municipality_id=request.user.municipality_id)
    if request.method == "POST" and form.is_valid():
        span, team = form.cleaned_data["span"], form.cleaned_data.get("team")
        kind, municipality_id, user_id = (form.cleaned_data["report"],
                                          request.user.municipality_id, request.user.pk)
        outbox.enqueue("reporting.tasks.board_report_build", municipality_id, kind,
                       span.start.isoformat(), span.end.isoformat(),
                       team.pk if team else None, user_id,
                       request_key=str(request_key(request) or uuid.uuid4()))
        messages.success(request, _("Rapporten skapas. Den visas i listan när den är klar."))
        return redirect("reporting:reports")
    stored = (BoardReport.objects.filter(municipality_id=request.user.municipality_id)
              .select_related("created_by", "team"))
    page = Paginator(stored, 25).get_page(request.GET.get("page"))
    return render(request, "reporting/reports.html", {"form": form, "page": page,
                                                      "key": uuid.uuid4()})


@login_required
@perm_required(Perm.VIEW_AGGREGATES)
@require_GET
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = get_in_municipality(request, BoardReport.objects.all(), pk=pk)
    stored = report.pdf if fmt == "pdf" else report.xlsx
    audit_event(request=request, action=Action.EXPORT, obj=report, detail=f"nämndrapport:{fmt}")
    content_type = ("application/pdf" if fmt == "pdf" else
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"{report.get_kind_display()} {report.label}.{fmt}".replace("/", "-")
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name,
                        content_type=content_type)



