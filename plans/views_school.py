"""School notifications: the public form (no account) and the coordinators' inbox.

The public form answers every valid notice, and every bot caught by the honeypot, with the
same receipt page: nothing tells whether the student is known. Posts are rate limited per
client address."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaa.access import Perm, get_in_municipality, has_perm, perm_required
from kaa.audit import audit_read
from kaa.forms import errors_apply
from kaa.lib.ratelimit import Limit, hit
from kaa.request_context import current_ip
from plans import school
from plans.forms_school import AcceptForm, RejectForm, SchoolNotificationForm
from plans.models import SchoolNotification
from youth.models import Youth
from youth.permissions import locating_data_visible

INBOX_PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
def notify(request: HttpRequest) -> HttpResponse:
    form = SchoolNotificationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not hit([(Limit("school-ip", settings.KAA_SCHOOL_LIMIT_IP, 3600),
                     current_ip() or "-")]):
            response = render(request, "school/notify.html", {"form": form, "throttled": True},
                              status=429)
            response["Retry-After"] = "3600"
            return response
        if request.POST.get("webbplats"):  # the honeypot: same answer, nothing stored
            return redirect("school:received")
        if form.is_valid():
            school.notification_receive(data=form.cleaned_data)
            return redirect("school:received")
    return render(request, "school/notify.html", {"form": form})


@require_GET
def received(request: HttpRequest) -> HttpResponse:
    return render(request, "school/received.html")


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", SchoolNotification.Status.NEW)
    status = status if status in SchoolNotification.Status.values else "new"
    # A row names no student, but its school is where a protected student can be found.
    protected = Youth.objects.filter(
        Q(protected_identity=True) | Q(guardians__protected_identity=True),
        municipality_id=OuterRef("municipality_id"), personnummer=OuterRef("personnummer"))
    notices = (SchoolNotification.objects
               .filter(municipality_id=request.user.municipality_id, status=status)
               .select_related("handled_by")
               .annotate(student_protected=Exists(protected)))
    page = Paginator(notices, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "school/inbox.html", {
        "page": page, "status": status, "statuses": SchoolNotification.Status.choices,
        "query": f"status={status}"})


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_in_municipality(request, SchoolNotification.objects.select_related(
        "handled_by", "youth", "reported_by"), pk=pk)
    return _detail(request, notice)


def _detail(request: HttpRequest, notice: SchoolNotification, *,
            accept: AcceptForm | None = None, reject: RejectForm | None = None,
            status: int = 200) -> HttpResponse:
    known = school.youth_matching(notice)
    audit_read(request, notice, detail="skolanmalan")
    if known is not None:  # the page names the matched youth and their status
        audit_read(request, known, detail="skolanmalan")
    accept = accept or AcceptForm(notice=notice, known=known is not None)
    reject = reject or RejectForm()
    # The school (and its contact person) is where the student is: withheld for a student
    # with protected identity until a reason is given for that youth.
    show_locating = known is None or locating_data_visible(request, known)
    return render(request, "school/detail.html", {
        "notice": notice, "known": known, "accept": accept, "reject": reject,
        "form_list": [accept, reject], "show_locating": show_locating,
        "can_state_reason": has_perm(request.user, Perm.VIEW_PROTECTED)}, status=status)


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_in_municipality(request, SchoolNotification.objects, pk=pk)
    form = AcceptForm(request.POST, notice=notice,
                      known=school.youth_matching(notice) is not None)
    if form.is_valid():
        try:
            youth = school.notification_accept(notice=notice, actor=request.user,
                                               **form.cleaned_data)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Anmälan är tagen om hand."))
            return redirect("youth:detail", pk=youth.pk)
    return _detail(request, notice, accept=form, status=400)


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_in_municipality(request, SchoolNotification.objects, pk=pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            school.notification_reject(notice=notice, actor=request.user,
                                       reason=form.cleaned_data["reject_reason"])
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Anmälan är avvisad."))
            return redirect(reverse("plans:school_inbox"))
    return _detail(request, notice, reject=form, status=400)
