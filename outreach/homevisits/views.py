"""Home-visit pages: plan one (desktop), the visit itself with its two taps (a phone at the
door), the outcome, the knock card, the start page's alarm panel and who is on duty."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaa.access import Perm, get_for_user, has_perm, perm_required
from kaa.audit import audit_event, listed, shown
from kaa.forms import errors_apply
from kaa.lib.params import to_int
from kaa.lib.pdf import pdf_render
from kaa.models import AuditEvent, Municipality, User
from outreach.homevisits import services
from outreach.homevisits.forms import DutyForm, OutcomeForm, PlanForm
from outreach.homevisits.models import HomeVisit, HomeVisitDuty
from outreach.letters import merge
from outreach.letters.models import MessageTemplate
from outreach.queue.models import Task
from youth.register.permissions import youth_get_for_user


def _user(request: HttpRequest) -> User:
    """The logged-in staff member (every view here is behind login_required)."""
    return cast(User, request.user)


def _visit(request: HttpRequest, pk: int, *, write: bool = False) -> HomeVisit:
    """A visit the user may act on (kaa.access: the two staff, their teams, coordinators)."""
    queryset = HomeVisit.objects.select_related(
        "youth", "youth__municipality", "staff", "second_staff", "task"
    )
    return cast(HomeVisit, get_for_user(request, queryset, write=write, pk=pk))


@login_required
@perm_required(Perm.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan a home visit for a youth: the second staff, the date and the time window, and
    where (never the registered address of a protected youth)."""
    youth = youth_get_for_user(request, pk, write=True)
    task: Task | None = None
    if task_id := request.GET.get("uppgift", "").strip():
        task = get_for_user(
            request,
            Task.objects.all(),
            pk=to_int(task_id) or 0,
            youth=youth,
        )
    form = PlanForm(request.POST or None, staff=_user(request))
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.window()
        try:
            visit = services.visit_plan(
                youth=youth,
                staff=_user(request),
                second_staff=form.cleaned_data["second_staff"],
                starts_at=starts_at,
                ends_at=ends_at,
                place=form.cleaned_data["place"],
                place_note=form.cleaned_data["place_note"],
                task=task,
            )
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Hembesöket är planerat."))
            return redirect("outreach:homevisit_detail", visit.pk)
    shown(request, youth, what="hembesok")
    return render(
        request,
        "outreach/homevisits/plan.html",
        {
            "youth": youth,
            "form": form,
            "task": task,
            "protected": youth.location_protected,
            "cancel_url": reverse("youth:detail", args=[youth.pk]),
        },
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The visit: who, when, where, and the two taps (check in, check out), then the outcome."""
    visit = _visit(request, pk)
    if visit.youth.protected_identity:
        # Where a protected youth is met is locating data: the same reason step as the record.
        youth_get_for_user(request, visit.youth_id)
    shown(request, visit, what="hembesok")
    now = timezone.now()
    return render(
        request,
        "outreach/homevisits/detail.html",
        {
            "visit": visit,
            "is_pair": request.user.pk in visit.staff_ids,
            "can_check_out": request.user.pk in visit.staff_ids
            or has_perm(request.user, Perm.VIEW_MUNICIPALITY_RECORDS),
            "overdue": visit.is_open and visit.ends_at < now,
            "outcome_form": OutcomeForm()
            if visit.checked_out_at and not visit.outcome_at
            else None,
            "outcome_label": dict(services.outcome_choices()).get(visit.outcome),
        },
    )


def _tap(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    visit = _visit(request, pk, write=True)
    act = {"in": services.check_in, "out": services.check_out, "cancel": services.cancel}[action]
    done_messages = {
        "in": _("Incheckad %(time)s. Checka ut när ni har gått."),
        "out": _("Utcheckad %(time)s. Skriv vad som hände."),
        "cancel": _("Hembesöket är inställt."),
    }
    try:
        if act(visit=visit, user=_user(request)):
            messages.success(
                request, done_messages[action] % {"time": f"{timezone.localtime():%H:%M}"}
            )
        else:
            messages.info(request, _("Det var redan gjort."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("outreach:homevisit_detail", visit.pk)


@login_required
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    return _tap(request, pk, "in")


@login_required
@require_POST
def check_out(request: HttpRequest, pk: int) -> HttpResponse:
    return _tap(request, pk, "out")


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _tap(request, pk, "cancel")


@login_required
@require_POST
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """The outcome, once, logged as a contact by each of the two staff."""
    visit = _visit(request, pk, write=True)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            recorded = services.outcome_record(
                visit=visit,
                user=_user(request),
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            if recorded:
                messages.success(request, _("Utfallet är sparat som kontakt för er båda."))
            else:
                messages.info(request, _("Utfallet var redan sparat."))
            return redirect("outreach:homevisit_detail", visit.pk)
    shown(request, visit, what="hembesok:utfall")
    return render(
        request,
        "outreach/homevisits/detail.html",
        {"visit": visit, "is_pair": request.user.pk in visit.staff_ids, "outcome_form": form},
        status=400,
    )


@login_required
@perm_required(Perm.EDIT_RECORDS)
@require_GET
def knock_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The knock card for this visit (the municipality's knock-card template), printing the
    visit's date and time window."""
    visit = _visit(request, pk)
    template = (
        MessageTemplate.objects.filter(
            municipality_id=visit.youth.municipality_id,
            kind=MessageTemplate.Kind.KNOCK_CARD,
            is_active=True,
        )
        .order_by("name")
        .first()
    )
    values = merge.visit_values(visit.starts_at, visit.ends_at)
    body = merge.render(template.body, visit.youth, extra=values) if template else ""
    subject = merge.render(template.subject, visit.youth, extra=values) if template else ""
    content = pdf_render(
        "outreach/homevisits/knock_card_pdf.html",
        {"visit": visit, "body": body, "subject": subject, **values},
    )
    audit_event(request=request, action=AuditEvent.Action.PRINT, obj=visit, detail="knacklapp")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="knacklapp-{visit.pk}.pdf"'
    return response


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    """The start page's panel (an htmx fragment): alarms not yet acknowledged, and the user's
    own visits today."""
    if not has_perm(request.user, Perm.VIEW_RECORDS):
        return HttpResponse("")
    visible = HomeVisit.objects.visible_to(request.user).select_related(
        "youth", "staff", "second_staff"
    )
    alarms = list(
        visible.filter(alert_sent_at__isnull=False, acknowledged_at__isnull=True).order_by(
            "ends_at"
        )[:20]
    )
    today = timezone.localdate()
    mine = list(
        visible.filter(
            Q(staff_id=request.user.pk) | Q(second_staff_id=request.user.pk),
            starts_at__date=today,
            cancelled_at__isnull=True,
            checked_out_at__isnull=True,
        )
        .exclude(pk__in=[v.pk for v in alarms])
        .order_by("starts_at")
    )
    if alarms or mine:
        listed(request, {cast(HomeVisit, v).youth_id for v in alarms + mine}, what="hembesok:larm")
    duty = None
    if has_perm(request.user, Perm.CONFIGURE):
        duty = (
            HomeVisitDuty.objects.filter(municipality=_user(request).municipality)
            .select_related("coordinator")
            .first()
        )
    return render(
        request,
        "outreach/homevisits/partials/_alerts.html",
        {
            "alarms": alarms,
            "mine": mine,
            "can_configure": has_perm(request.user, Perm.CONFIGURE),
            "duty": duty,
        },
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk, write=True)
    if services.acknowledge(visit=visit, user=_user(request)):
        messages.success(request, _("Larmet är kvitterat."))
    return redirect("kaa:home")


@login_required
@perm_required(Perm.CONFIGURE)
@require_http_methods(["GET", "POST"])
def duty(request: HttpRequest) -> HttpResponse:
    """Which coordinator is on duty for home-visit alarms (a coordinator sets it)."""
    municipality = cast(Municipality, _user(request).municipality)
    current = HomeVisitDuty.objects.filter(municipality=municipality).first()
    form = DutyForm(
        request.POST or None,
        municipality_id=municipality.pk,
        initial={"coordinator": current.coordinator_id if current else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.duty_set(
                municipality=municipality,
                coordinator=form.cleaned_data["coordinator"],
                actor=_user(request),
            )
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Sparat."))
            return redirect("outreach:homevisit_duty")
    return render(request, "outreach/homevisits/duty.html", {"form": form, "current": current})
