"""Views of the register: registering a youth, the list's export, and the small actions on
one youth (occupation, guardian, periods opened, closed and corrected). The list page itself is
caseload's (it carries the bulk assignment), the youth's page is casefile's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa.access import Perm, get_for_user, perm_required, require, user_municipality
from kaa.audit import exported_each, shown
from kaa.drafts import pop_draft
from kaa.forms import errors_apply
from kaa.lib.http import safe_next
from kaa.lib.spreadsheets import xlsx_bytes
from kaa.types import AuthenticatedHttpRequest
from youth.register import exports, forms, selectors, services
from youth.register.models import KaaPeriod, Youth
from youth.register.permissions import youth_get_for_user

EXPORT_LIMIT = 20000


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


SEARCH_SESSION_KEY = "youth_search"


def protected_filter_check(request: HttpRequest) -> None:
    """Listing who has protected identity is for coordinators: anyone else asking for that
    filter is refused (403, a `denied` audit event)."""
    if request.GET.get("protected"):
        require(request, Perm.VIEW_PROTECTED)


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def youth_register_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.YouthRegisterForm(request.POST or pop_draft(request) or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            youth, _period = services.youth_register(
                municipality=user_municipality(request),
                actor=request.user,
                personnummer=data.pop("personnummer"),
                registration_reason=data.pop("registration_reason"),
                start_date=data.pop("start_date"),
                **data,
            )
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("%(name)s är registrerad i KAA.") % {"name": youth})
            return redirect("youth:detail", pk=youth.pk)
    return render(request, "youth/register/register.html", {"form": form})


def _youth_form_view(
    request: HttpRequest,
    pk: int,
    form_class: type,
    title: str,
    action: Any,
    success: str,
    *,
    what: str,
    **form_kwargs: Any,
) -> HttpResponse:
    """One youth, one form, one service call: the shape of the register's small actions. The
    form page names the youth: showing it (GET) is a read of `what`."""
    youth = youth_get_for_user(request, pk, write=True)
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "GET":
        shown(request, youth, what=what)
    if request.method == "POST" and form.is_valid():
        try:
            action(youth, form.cleaned_data)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, success)
            return redirect("youth:detail", pk=youth.pk)
    return render(request, "youth/form.html", {"form": form, "youth": youth, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def occupation_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def action(youth: Youth, data: dict[str, Any]) -> None:
        services.occupation_record(youth=youth, actor=request.user, **data)

    return _youth_form_view(
        request,
        pk,
        forms.OccupationForm,
        _("Registrera sysselsättning"),
        action,
        _("Sysselsättningen är registrerad."),
        what="ungdom:sysselsattning",
    )


@login_required
@require_http_methods(["GET", "POST"])
def guardian_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def action(youth: Youth, data: dict[str, Any]) -> None:
        services.guardian_add(youth=youth, actor=request.user, **data)

    return _youth_form_view(
        request,
        pk,
        forms.GuardianForm,
        _("Lägg till vårdnadshavare"),
        action,
        _("Vårdnadshavaren är tillagd."),
        what="ungdom:vardnadshavare",
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def period_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def action(youth: Youth, data: dict[str, Any]) -> None:
        period = youth.periods.filter(end_date__isnull=True).first()
        if period is None:
            raise ValidationError(_("Ungdomen har ingen öppen KAA-period."))
        services.period_close(
            period=period, end_date=data["end_date"], reason=data["reason"], actor=request.user
        )

    return _youth_form_view(
        request,
        pk,
        forms.PeriodCloseForm,
        _("Avsluta KAA-period"),
        action,
        _("KAA-perioden är avslutad."),
        what="period:avsluta",
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def period_open_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def action(youth: Youth, data: dict[str, Any]) -> None:
        services.period_open(
            youth=youth, start_date=data["start_date"], reason=data["reason"], actor=request.user
        )

    return _youth_form_view(
        request,
        pk,
        forms.PeriodOpenForm,
        _("Starta ny KAA-period"),
        action,
        _("En ny KAA-period är startad."),
        what="period:starta",
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def period_edit_view(request: AuthenticatedHttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Correct a period (dates, reasons); linked from the SCB report's problem list."""
    youth = youth_get_for_user(request, pk, write=True)
    period = get_for_user(request, KaaPeriod.objects.all(), write=True, pk=period_pk, youth=youth)
    form = forms.PeriodCorrectForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        data = {"end_date": None, "deregistration_reason": None, **form.cleaned_data}
        try:
            services.period_correct(period=period, actor=request.user, **data)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("KAA-perioden är rättad."))
            return redirect(safe_next(request, reverse("youth:detail", args=[youth.pk])))
    shown(request, period, what="period")
    return render(
        request, "youth/form.html", {"form": form, "youth": youth, "title": _("Rätta KAA-period")}
    )


@login_required
@perm_required(Perm.EXPORT)
@require_GET
def youth_export_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The current list (same filters and search) as xlsx; every youth in it is audited.
    Records whose processing is restricted are left out: they are kept, not processed (GDPR
    art. 18), and a copy in a spreadsheet is processing."""
    text = request.session.get(SEARCH_SESSION_KEY, "") if "s" in request.GET else ""
    protected_filter_check(request)
    form = forms.YouthFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    youths = list(
        selectors.youth_list(
            user=request.user, filters=filters, search=text, sort=filters.get("sort") or "namn"
        )
        .filter(restricted_at__isnull=True)
        .with_protection()[:EXPORT_LIMIT]
    )
    exported_each(request, youths, what="xlsx")
    content = xlsx_bytes(
        title=_("Ungdomar"), header=exports.HEADER, rows=(exports.row_for(y) for y in youths)
    )
    response = HttpResponse(content, content_type=XLSX)
    name = f"kaa-ungdomar-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
