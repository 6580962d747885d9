"""School notifications: the public form (no account), the coordinators' inbox, and staff's
entry of a school's report of a student at risk (a preventive case).

The public form answers every valid notice, and every bot caught by the honeypot, with the
same receipt page: nothing tells whether the student is known. Posts are rate limited per
client address."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaa.access import (
    Perm,
    get_in_municipality,
    has_perm,
    municipality_q,
    perm_required,
    user_municipality,
    user_municipality_id,
)
from kaa.audit import Action, audit_event, shown
from kaa.drafts import pop_draft
from kaa.forms import errors_apply
from kaa.lib.ratelimit import Limit, hit
from kaa.lib.todo import count_fragment
from kaa.request_context import current_ip
from kaa.types import AuthenticatedHttpRequest
from plans.school import services
from plans.school.forms import AcceptForm, PreventiveForm, RejectForm, SchoolNotificationForm
from plans.school.models import SchoolNotification
from plans.school.preventive import preventive_case_report
from plans.school.selectors import inbox_notices, notices_for_detail, youth_matching
from youth.register.permissions import locating_data_visible

INBOX_PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
def notify(request: HttpRequest) -> HttpResponse:
    form = SchoolNotificationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not hit(
            [(Limit("school-ip", settings.KAA_SCHOOL_LIMIT_IP, 3600), current_ip() or "-")]
        ):
            response = render(
                request, "plans/school/notify.html", {"form": form, "throttled": True}, status=429
            )
            response["Retry-After"] = "3600"
            return response
        if request.POST.get("webbplats"):  # the honeypot: same answer, nothing stored
            return redirect("school:received")
        if form.is_valid():
            services.notification_receive(data=form.cleaned_data)
            return redirect("school:received")
    return render(request, "plans/school/notify.html", {"form": form})


@require_GET
def received(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/school/received.html")


@login_required
@require_GET
def todo_counts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start-page fragment: new notices from the schools (a count only, linked to the inbox)."""
    new = SchoolNotification.objects.filter(
        municipality_q(request.user), status=SchoolNotification.Status.NEW
    )
    return count_fragment(
        request,
        perm=Perm.ASSIGN_CASES,
        count=new.count,
        label=lambda n: ngettext("ny skolanmälan", "nya skolanmälningar", n),
        url=reverse("plans:school_inbox") + f"?status={SchoolNotification.Status.NEW}",
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", SchoolNotification.Status.NEW)
    status = status if status in SchoolNotification.Status.values else "new"
    notices = inbox_notices(municipality_id=user_municipality_id(request), status=status)
    page = Paginator(notices, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/school/inbox.html",
        {
            "page": page,
            "status": status,
            "statuses": SchoolNotification.Status.choices,
            "query": f"status={status}",
        },
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = get_in_municipality(request, notices_for_detail(), pk=pk)
    return _detail(request, notice)


def _detail(
    request: HttpRequest,
    notice: SchoolNotification,
    *,
    accept: AcceptForm | None = None,
    reject: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    known = youth_matching(notice)
    shown(request, notice, what="skolanmalan")
    if known is not None:  # the page names the matched youth and their status
        shown(request, known, what="skolanmalan")
    accept = accept or AcceptForm(notice=notice, known=known is not None)
    reject = reject or RejectForm()
    # The school (and its contact person) is where the student is: withheld for a student
    # with protected identity until a reason is given for that youth.
    show_locating = known is None or locating_data_visible(request, known)
    return render(
        request,
        "plans/school/detail.html",
        {
            "notice": notice,
            "known": known,
            "accept": accept,
            "reject": reject,
            "form_list": [accept, reject],
            "show_locating": show_locating,
            "can_state_reason": has_perm(request.user, Perm.VIEW_PROTECTED),
        },
        status=status,
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_POST
def accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = get_in_municipality(request, SchoolNotification.objects.all(), pk=pk)
    form = AcceptForm(request.POST, notice=notice, known=youth_matching(notice) is not None)
    if form.is_valid():
        try:
            youth = services.notification_accept(
                notice=notice, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Anmälan är tagen om hand."))
            return redirect("youth:detail", pk=youth.pk)
    return _detail(request, notice, accept=form, status=400)


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_POST
def reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = get_in_municipality(request, SchoolNotification.objects.all(), pk=pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.notification_reject(
                notice=notice, actor=request.user, reason=form.cleaned_data["reject_reason"]
            )
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Anmälan är avvisad."))
            return redirect(reverse("plans:school_inbox"))
    return _detail(request, notice, reject=form, status=400)


@login_required
@perm_required(Perm.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def preventive_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreventiveForm(request.POST or pop_draft(request) or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        details: dict[str, Any] = {"phone": data.pop("phone")} if data.get("phone") else {}
        try:
            with transaction.atomic():
                report = preventive_case_report(
                    municipality=user_municipality(request), actor=request.user, **data, **details
                )
                if report.hidden is not None:
                    # A number that matched a record this user may not see: refused, and
                    # answered exactly like a number that is not in the register.
                    audit_event(
                        request=request,
                        action=Action.DENIED,
                        obj=report.hidden,
                        detail="preventive: personnummer outside scope",
                    )
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            if report.youth is None:
                messages.success(
                    request,
                    _("Anmälan är mottagen och skickad till samordnarna, som tar hand om den."),
                )
                return redirect("plans:preventive_new")
            youth = report.youth
            shown(request, youth, what="forebyggande")
            messages.success(
                request,
                _(
                    "Eleven är registrerad. Registrera samtycket och gör "
                    "sedan en förebyggande plan med skolan."
                ),
            )
            return redirect("youth:detail", pk=youth.pk)
    intro = _(
        "För en elev som fortfarande går i skolan men riskerar att avbryta "
        "studierna, anmäld av skolan. Eleven hamnar inte i KAA-statistiken."
    )
    if not has_perm(request.user, Perm.VIEW_MUNICIPALITY_RECORDS):
        intro += " " + _(
            "Är eleven inte ett av dina eller ditt teams ärenden går anmälan "
            "till samordnarna, som tar hand om den."
        )
    return render(
        request,
        "plans/common/config_form.html",
        {
            "form": form,
            "title": _("Förebyggande ärende: elev som riskerar studieavbrott"),
            "back": "youth:list",
            "submit_label": _("Registrera eleven"),
            "intro": intro,
        },
    )
