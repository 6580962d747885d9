"""The log review page (coordinators with the audit permission): flagged reads, staff reading
many youths outside their caseload, exports, and sample reviews."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaa.access import Perm, get_in_municipality, perm_required
from kaa.audit import audit_event
from kaa.models import AuditEvent, AuditSample
from youth import access_review
from youth.forms import PeriodForm, SampleReviewForm


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date]:
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"start": today - dt.timedelta(days=30),
                                                    "end": today})
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, today - dt.timedelta(days=30), today


@login_required
@perm_required(Perm.VIEW_AUDIT_LOG)
@require_http_methods(["GET"])
def review(request: HttpRequest) -> HttpResponse:
    form, start, end = _period(request)
    municipality = request.user.municipality_id
    audit_event(request=request, action=AuditEvent.Action.READ, object_type="kaa.auditevent",
                detail="loggkontroll granskning")
    flagged = Paginator(access_review.flagged(municipality, start, end), 50).get_page(
        request.GET.get("page"))
    return render(request, "youth/access_review.html", {
        "form": form, "start": start, "end": end, "flagged": flagged,
        "query": f"start={start.isoformat()}&end={end.isoformat()}",
        "outside": access_review.outside_caseload(municipality, start, end),
        "threshold": access_review.OUTSIDE_CASELOAD_THRESHOLD,
        "exports": access_review.exports(municipality, start, end),
        "samples": AuditSample.objects.filter(municipality_id=municipality)[:10]})


@login_required
@perm_required(Perm.VIEW_AUDIT_LOG)
@require_POST
def sample_new(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Välj en giltig period för stickprovet."))
        return redirect("youth:access_review")
    sample = access_review.sample_draw(user=request.user, start=form.cleaned_data["start"],
                                       end=form.cleaned_data["end"])
    return redirect("youth:access_sample", pk=sample.pk)


@login_required
@perm_required(Perm.VIEW_AUDIT_LOG)
@require_http_methods(["GET", "POST"])
def sample_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sample = get_in_municipality(request, AuditSample.objects.select_related("reviewed_by"),
                                 pk=pk)
    may_review = access_review.may_review(sample, request.user)
    form = SampleReviewForm(request.POST or None)
    if request.method == "POST" and (form.is_valid() or not may_review):
        try:
            access_review.sample_review(sample=sample, user=request.user, request=request,
                                        findings=form.cleaned_data.get("findings", ""))
        except PermissionDenied as exc:  # their own reads: refused and logged by the service
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Iakttagelsen är sparad i stickprovets historik."))
        return redirect("youth:access_sample", pk=sample.pk)
    events = (AuditEvent.objects.filter(pk__in=sample.event_ids,
                                        municipality_id=request.user.municipality_id)
              .select_related("user").order_by("at"))
    audit_event(request=request, action=AuditEvent.Action.READ, object_type="kaa.auditevent",
                detail="loggkontroll stickprov")
    return render(request, "youth/access_sample.html", {
        "sample": sample, "events": events, "form": form, "may_review": may_review,
        "own_reads": access_review.OWN_READS,
        "findings": sample.findings_made.select_related("created_by")})
