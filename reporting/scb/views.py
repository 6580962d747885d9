"""The SCB report pages: coordinators of the municipality only (Perm.EXPORT)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaa import outbox
from kaa.access import (
    Perm,
    get_in_municipality,
    has_perm,
    perm_required,
    user_municipality,
    user_municipality_id,
)
from kaa.audit import Action, audit_event, shown, shown_each
from kaa.lib.http import request_key
from kaa.lib.waiting import wait_start, wait_state
from kaa.models import Municipality
from kaa.types import AuthenticatedHttpRequest
from reporting.scb import forms, services
from reporting.scb.checks import BLOCK, RULES
from reporting.scb.models import ScbFile, ScbReport
from reporting.scb.periods import HalfYear, recent, reportable
from reporting.scb.profile import ProfileError, profile_for
from reporting.stats.coverage import coverage_shown
from youth.models import Youth

PROBLEMS_PER_PAGE = 50


def _period_or_redirect(request: AuthenticatedHttpRequest, value: str) -> HalfYear | HttpResponse:
    try:
        period = HalfYear.parse(value)
        reportable(period, today=timezone.localdate())
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("reporting:scb_list")
    return period


@login_required
@perm_required(Perm.EXPORT)
@require_http_methods(["GET", "POST"])
def scb_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.HalfYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        try:
            reportable(period, today=timezone.localdate())
        except ValidationError as exc:
            form.add_error("period", exc)
        else:
            return redirect("reporting:scb_period", period=str(period))
    today = timezone.localdate()
    reports = {
        r.period: r
        for r in ScbReport.objects.filter(municipality_id=user_municipality_id(request))
    }
    rows = []
    for period in recent(today=today):
        try:
            deadline = profile_for(period).deadline(period)
        except ProfileError:
            deadline = None
        rows.append(
            {
                "period": period,
                "report": reports.get(str(period)),
                "deadline": deadline,
                "over": period.end < today,
            }
        )
    return render(request, "reporting/scb/list.html", {"form": form, "rows": rows})


def _archive(
    request: AuthenticatedHttpRequest, report: ScbReport, half: HalfYear
) -> dict[str, Any]:
    """The half-year's files, newest first, and whether a file ordered is still being made."""
    files = list(report.files.select_related("created_by", "submitted_by")[:20])
    return {
        "files": files,
        **wait_state(request, f"scb:{half}", report.files.count()),
    }


@login_required
@perm_required(Perm.EXPORT)
@require_GET
def scb_archive(request: AuthenticatedHttpRequest, period: str) -> HttpResponse:
    """The archive part of the period page, asked again while an ordered file is made."""
    half = _period_or_redirect(request, period)
    if isinstance(half, HttpResponse):
        return half
    report = ScbReport.objects.filter(
        municipality_id=user_municipality_id(request), period=str(half)
    ).first()
    context = _archive(request, report, half) if report else {"files": [], "pending": False}
    return render(request, "reporting/scb/partials/archive.html", {"period": half, **context})


def _page_of_problems(request: AuthenticatedHttpRequest, problems: list[Any]) -> Any:
    ordered = sorted(problems, key=lambda p: (p.severity != BLOCK, p.rule, p.name))
    page = Paginator(ordered, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    _youths_read(
        request, {p.youth_id for p in page.object_list if p.youth_id}, detail="scb-kontroll"
    )
    return page


def _youths_read(request: AuthenticatedHttpRequest, ids: Any, *, detail: str) -> list[Youth]:
    """The user's municipality's youths among `ids`, each read written to the audit log."""
    youths = list(Youth.objects.filter(pk__in=ids, municipality_id=user_municipality_id(request)))
    if youths:
        shown_each(request, youths, what=detail)
    return youths


@login_required
@perm_required(Perm.EXPORT)
@require_http_methods(["GET", "POST"])
def scb_period(request: AuthenticatedHttpRequest, period: str) -> HttpResponse:
    half = _period_or_redirect(request, period)
    if isinstance(half, HttpResponse):
        return half
    municipality = user_municipality(request)
    today = timezone.localdate()
    try:
        report, findings, profile = services.report_check(
            municipality=municipality, period=half, today=today
        )
    except ProfileError as exc:
        return render(
            request,
            "reporting/scb/profile_error.html",
            {"period": half, "error": str(exc)},
            status=200,
        )
    form = forms.BuildForm(request.POST or None, blocking=findings.blocking)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["override_reason"] if findings.blocking else ""
        outbox.enqueue(
            "reporting.scb.tasks.scb_file_build",
            municipality.pk,
            str(half),
            request.user.pk,
            reason,
            request_key=str(request_key(request) or uuid.uuid4()),
        )
        wait_start(request, f"scb:{half}", report.files.count())
        messages.success(request, _("Filen skapas. Den visas i arkivet nedan när den är klar."))
        return redirect("reporting:scb_period", period=str(half))
    verification = services.profile_verification(municipality, profile)
    _youths_read(request, [e[0] for e in findings.excluded[:200]], detail="scb-ej-rapporterade")
    return render(
        request,
        "reporting/scb/period.html",
        {
            "period": half,
            "report": report,
            "findings": findings,
            "profile": profile,
            "verification": verification,
            "deadline": profile.deadline(half),
            "page": _page_of_problems(request, findings.problems),
            "form": form,
            "rules": sorted(
                (
                    (rule, n, findings.severity_of[rule], RULES[rule][1])
                    for rule, n in findings.counts.items()
                ),
                key=lambda r: (r[2] != BLOCK, r[0]),
            ),
            **_archive(request, report, half),
            "excluded": findings.excluded[:200],
            "quality": findings.quality,
            "key": uuid.uuid4(),
            "coverage": coverage_shown(
                municipality=municipality,
                suppress=False,
                links=has_perm(request.user, Perm.ASSIGN_CASES),
            ),
        },
    )


def _file(request: AuthenticatedHttpRequest, pk: int) -> ScbFile:
    return get_in_municipality(
        request,
        ScbFile.objects.select_related("report", "created_by", "submitted_by", "compared_with"),
        path="report__municipality",
        pk=pk,
    )


def _youths_of(request: AuthenticatedHttpRequest, entries: Any, limit: int = 100) -> list[Youth]:
    return _youths_read(
        request, list(entries.values_list("youth_id", flat=True)[:limit]), detail="scb-jämförelse"
    )


@login_required
@perm_required(Perm.EXPORT)
@require_GET
def scb_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    file = _file(request, pk)
    shown(request, file, what="scb-fil")
    diff = None
    if file.compared_with_id:
        diff = {
            "added": _youths_of(request, services.diff_added(file)),
            "removed": _youths_of(request, services.diff_removed(file)),
            "changed": _youths_of(request, services.diff_changed(file)),
        }
    latest = file.report.files.first()
    return render(
        request,
        "reporting/scb/file.html",
        {
            "file": file,
            "diff": diff,
            "period": HalfYear.parse(file.report.period),
            "can_submit": file.status == ScbFile.Status.GENERATED and latest == file,
        },
    )


@login_required
@perm_required(Perm.EXPORT)
@require_GET
def scb_file_download(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponseBase:
    file = _file(request, pk)
    stored = file.readable if kind == "xlsx" else file.content
    if not stored:
        messages.error(request, _("Filens innehåll är gallrat."))
        return redirect("reporting:scb_file", pk=file.pk)
    name = file.filename if kind != "xlsx" else file.filename.rsplit(".", 1)[0] + ".xlsx"
    audit_event(request=request, action=Action.EXPORT, obj=file, detail=f"scb-fil:hämtad:{kind}")
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if name.endswith(".xlsx")
        else "text/csv"
    )
    return FileResponse(
        stored.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )


@login_required
@perm_required(Perm.EXPORT)
@require_POST
def scb_file_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    file = _file(request, pk)
    try:
        services.file_submit(file=file, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _(
                "Filen är markerad som inskickad till SCB. Tidigare "
                "inskickade filer för halvåret är ersatta."
            ),
        )
    return redirect("reporting:scb_file", pk=file.pk)


@login_required
@perm_required(Perm.EXPORT)
@require_http_methods(["GET", "POST"])
def scb_profile(request: AuthenticatedHttpRequest, period: str) -> HttpResponse:
    half = _period_or_redirect(request, period)
    if isinstance(half, HttpResponse):
        return half
    try:
        profile = profile_for(half)
    except ProfileError as exc:
        return render(
            request, "reporting/scb/profile_error.html", {"period": half, "error": str(exc)}
        )
    municipality = user_municipality(request)
    verification = services.profile_verification(municipality, profile)
    form = forms.VerifyForm(request.POST or None)
    if request.method == "POST" and verification is None and form.is_valid():
        services.profile_verify(
            municipality=municipality,
            profile=profile,
            actor=request.user,
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Profilen är markerad som verifierad."))
        return redirect("reporting:scb_profile", period=str(half))
    rules = [
        (rule, profile.severity.get(rule, default), text)
        for rule, (default, text) in RULES.items()
    ]
    return render(
        request,
        "reporting/scb/profile.html",
        {
            "period": half,
            "profile": profile,
            "verification": verification,
            "form": form,
            "rules": rules,
            "deadline": profile.deadline(half),
            "uncovered": services.reasons_uncovered(profile=profile, period=half),
        },
    )


# How long after its deadline a half-year not submitted is still shown on the start page.
LATE_SHOWN_HALF_YEARS = 2


def deadlines_open(*, municipality_id: int, today: Any) -> list[dict[str, Any]]:
    """The ended half-years (the last two, none before KAA was taken into use) whose report
    is not submitted, each with its deadline, the days left (negative: late) and the report if
    one was begun (two queries)."""
    municipality = Municipality.objects.get(pk=municipality_id)
    ended = [
        p
        for p in recent(today=today, count=LATE_SHOWN_HALF_YEARS + 1)
        if p.end < today and municipality.reports_to_scb_from_kaa(p.end)
    ]
    reports = {
        r.period: r
        for r in ScbReport.objects.filter(
            municipality_id=municipality_id, period__in=[str(p) for p in ended]
        )
    }
    rows = []
    for period in ended:
        report = reports.get(str(period))
        if report is not None and report.status == ScbReport.Status.SUBMITTED:
            continue
        try:
            deadline = profile_for(period).deadline(period)
        except ProfileError:
            deadline = None
        left = (deadline - today).days if deadline else None
        rows.append(
            {
                "period": period,
                "deadline": deadline,
                "left": left,
                "late": -left if left is not None and left < 0 else 0,
                "report": report,
            }
        )
    return rows


@login_required
@require_GET
def scb_banner(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start-page fragment for coordinators: a half-year not yet submitted and its deadline
    (a late one as an alert nobody can miss), and a draft report waiting for review."""
    reports: list[ScbReport] = []
    deadlines: list[dict[str, Any]] = []
    if has_perm(request.user, Perm.EXPORT):
        reports = list(
            ScbReport.objects.filter(
                municipality_id=user_municipality_id(request),
                status=ScbReport.Status.DRAFT,
                notified_at__isnull=False,
            ).order_by("-period")[:2]
        )
        deadlines = deadlines_open(
            municipality_id=user_municipality_id(request), today=timezone.localdate()
        )
    return render(
        request,
        "reporting/scb/partials/banner.html",
        {"reports": reports, "deadlines": deadlines},
    )
