"""The dashboard and the definitions of its figures: aggregates only (Perm.VIEW_AGGREGATES).

No page here shows a youth's name or personnummer. Managers (who may not see individual
records) get protected figures for preset periods only (reporting.stats.suppress)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kaa.access import Perm, has_perm, perm_required, user_municipality, user_municipality_id
from kaa.audit import shown_page
from kaa.types import AuthenticatedHttpRequest
from reporting.stats import forms
from reporting.stats.cache import cached_sections
from reporting.stats.coverage import coverage_shown
from reporting.stats.definitions import REGISTRY, Scope
from reporting.stats.periods import containing
from reporting.stats.present import DASHBOARD
from reporting.stats.suppress import note, threshold


def _suppress(request: HttpRequest) -> bool:
    return not has_perm(request.user, Perm.VIEW_MUNICIPALITY_RECORDS)


def _period_form(
    request: AuthenticatedHttpRequest, **kwargs: Any
) -> tuple[forms.StatsPeriodForm, Any, Any]:
    today = timezone.localdate()
    default = containing("month", today)
    initial = {"kind": "month", "year": today.year, "number": today.month}
    data = request.GET if "kind" in request.GET else None
    form = forms.StatsPeriodForm(
        data,
        initial=initial,
        municipality_id=user_municipality_id(request),
        custom_range=not _suppress(request),
        **kwargs,
    )
    if data is not None and form.is_valid():
        return form, form.cleaned_data["span"], form.cleaned_data.get("team")
    return form, default, None


@login_required
@perm_required(Perm.VIEW_AGGREGATES)
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, span, team = _period_form(request)
    scope = Scope(
        municipality_id=user_municipality_id(request),
        span=span,
        team_id=team.pk if team else None,
        today=timezone.localdate(),
    )
    suppress = _suppress(request)
    shown, counted_at = cached_sections(
        scope, DASHBOARD, suppress=suppress, fresh=request.GET.get("fresh") == "1"
    )
    shown_page(
        request,
        object_type="reporting.dashboard",
        what=f"{span.kind}:{span.start}:{span.end}",
    )
    return render(
        request,
        "reporting/stats/dashboard.html",
        {
            "form": form,
            "span": span,
            "team": team,
            "sections": shown,
            "suppress": suppress,
            "counted_at": counted_at,
            "fresh_query": _fresh_query(request),
            "threshold": threshold(),
            "protection_note": note(),
            "headline": {
                s.key: s
                for s in shown
                if s.key in ("in_kaa_at_end", "in_kaa_during", "in_intervention")
            },
            "coverage": coverage_shown(
                municipality=user_municipality(request),
                suppress=suppress,
                links=has_perm(request.user, Perm.ASSIGN_CASES),
            ),
        },
    )


def _fresh_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["fresh"] = "1"
    return query.urlencode()


@login_required
@perm_required(Perm.VIEW_AGGREGATES)
@require_GET
def definitions(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "reporting/stats/definitions.html",
        {
            "definitions": list(REGISTRY.values()),
            "threshold": threshold(),
            "protection_note": note(),
        },
    )
