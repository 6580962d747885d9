"""The log review pages (coordinators with the audit permission): the audit log searched
(loggkontroll); the review of flagged reads, staff reading many youths outside their caseload,
exports; and sample reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaa.access import Perm, get_in_municipality, perm_required, user_municipality_id
from kaa.audit import shown_page
from kaa.audit_labels import detail_text, object_name, role_name
from kaa.models import AuditEvent
from kaa.types import AuthenticatedHttpRequest
from records.log_review import services as access_review
from records.log_review.forms import (
    AuditFilterForm,
    AuditYouthSearchForm,
    ReviewPeriodForm,
    SampleReviewForm,
)
from records.log_review.models import AuditSample
from records.log_review.selectors import audit_events_for, youth_names, youths_matching

AUDIT_PAGE_SIZE = 50


LOG_SEARCH_SESSION_KEY = "loggkontroll_ungdom"


@login_required
@perm_required(Perm.VIEW_AUDIT_LOG)
@require_http_methods(["GET", "POST"])
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    # A youth's name or personnummer goes by POST and lives in the session, so that it never
    # appears in an address or a server log; the other filters stay in shareable addresses.
    if request.method == "POST":
        search = AuditYouthSearchForm(request.POST)
        text = search.cleaned_data["q"].strip() if search.is_valid() else ""
        request.session[LOG_SEARCH_SESSION_KEY] = text
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("youth", None)
        if text:
            query["u"] = "1"
        else:
            query.pop("u", None)
        return redirect(reverse("records:audit_list") + "?" + query.urlencode())
    text = request.session.get(LOG_SEARCH_SESSION_KEY, "") if "u" in request.GET else ""
    form = AuditFilterForm(request.GET or None, municipality_id=user_municipality_id(request))
    filters: dict[str, Any] = dict(form.cleaned_data) if form.is_valid() else {}
    matches = youths_matching(user=request.user, text=text) if text else []
    if text:
        filters["youths"] = [y.pk for y in matches]
    # Reading the log is itself logged (it shows whose records were opened); written first so
    # that the page and its count agree.
    shown_page(
        request,
        object_type="kaa.auditevent",
        what="loggkontroll",
        youth_id=filters.get("youth"),
        youth_ids=[y.pk for y in matches] or None,
    )
    events = audit_events_for(user=request.user, filters=filters)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    names = youth_names(user=request.user, events=page.object_list)
    for event in page.object_list:
        # Attributes for the template.
        named = names.get(event.youth_id) if event.youth_id is not None else None
        setattr(event, "named_youth", named)  # noqa: B010
        setattr(event, "role_label", role_name(event.role) if event.role else "")  # noqa: B010
        setattr(event, "object_label", object_name(event.object_type))  # noqa: B010
        setattr(event, "detail_label", detail_text(event.detail))  # noqa: B010
    shown_youth = None
    if filters.get("youth"):
        shown_youth = youth_names(
            user=request.user, events=[AuditEvent(youth_id=filters["youth"])]
        ).get(filters["youth"])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "records/log_review/audit_list.html",
        {
            "form": form,
            "search": AuditYouthSearchForm(initial={"q": text}),
            "search_text": text,
            "matches": matches,
            "shown_youth": shown_youth,
            "youth_id": filters.get("youth"),
            "page": page,
            "query": query.urlencode(),
        },
    )


def _period(request: AuthenticatedHttpRequest) -> tuple[ReviewPeriodForm, dt.date, dt.date]:
    today = timezone.localdate()
    form = ReviewPeriodForm(
        request.GET or None, initial={"start": today - dt.timedelta(days=30), "end": today}
    )
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, today - dt.timedelta(days=30), today


@login_required
@perm_required(Perm.VIEW_AUDIT_LOG)
@require_http_methods(["GET"])
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, start, end = _period(request)
    municipality = user_municipality_id(request)
    shown_page(request, object_type="kaa.auditevent", what="loggkontroll granskning")
    flagged = Paginator(access_review.flagged(municipality, start, end), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "records/log_review/review.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "flagged": flagged,
            "query": f"start={start.isoformat()}&end={end.isoformat()}",
            "outside": access_review.outside_caseload(municipality, start, end),
            "threshold": access_review.OUTSIDE_CASELOAD_THRESHOLD,
            "exports": access_review.exports(municipality, start, end),
            "samples": AuditSample.objects.filter(municipality_id=municipality)[:10],
        },
    )


@login_required
@perm_required(Perm.VIEW_AUDIT_LOG)
@require_POST
def sample_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReviewPeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Välj en giltig period för stickprovet."))
        return redirect("records:access_review")
    sample = access_review.sample_draw(
        user=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
    )
    return redirect("records:access_sample", pk=sample.pk)


@login_required
@perm_required(Perm.VIEW_AUDIT_LOG)
@require_http_methods(["GET", "POST"])
def sample_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sample = get_in_municipality(request, AuditSample.objects.select_related("reviewed_by"), pk=pk)
    may_review = access_review.may_review(sample, request.user)
    form = SampleReviewForm(request.POST or None)
    if request.method == "POST" and (form.is_valid() or not may_review):
        try:
            access_review.sample_review(
                sample=sample,
                user=request.user,
                request=request,
                findings=form.cleaned_data.get("findings", ""),
            )
        except PermissionDenied as exc:  # their own reads: refused and logged by the service
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Iakttagelsen är sparad i stickprovets historik."))
        return redirect("records:access_sample", pk=sample.pk)
    events = (
        AuditEvent.objects.filter(
            pk__in=sample.event_ids, municipality_id=user_municipality_id(request)
        )
        .select_related("user")
        .order_by("at")
    )
    shown_page(request, object_type="kaa.auditevent", what="loggkontroll stickprov")
    return render(
        request,
        "records/log_review/sample.html",
        {
            "sample": sample,
            "events": events,
            "form": form,
            "may_review": may_review,
            "own_reads": access_review.OWN_READS,
            "findings": sample.findings_made.select_related("created_by"),
        },
    )
