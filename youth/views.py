"""Views of the register: list and search, the youth's page, and the register's actions."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaa.access import Perm, bulk_for_user, get_for_user, has_perm, perm_required, require
from kaa.audit import audit_bulk_read, audit_event, audit_list_read, audit_read
from kaa.drafts import pop_draft
from kaa.forms import errors_apply
from kaa.lib.http import safe_next
from kaa.lib.params import int_list
from kaa.lib.spreadsheets import xlsx_bytes
from kaa.models import AuditEvent
from kaa.versioning import StaleEdit
from youth import exports, forms, selectors, services
from youth.models import DataRequest, FieldChange, KaaPeriod, Note, Youth
from youth.permissions import (
    PROTECTED_PLACEHOLDER,
    locating_data_visible,
    reason_grant,
    youth_get_for_user,
)

PAGE_SIZE = 50
EXPORT_LIMIT = 20000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEARCH_SESSION_KEY = "youth_search"


@login_required
@perm_required(Perm.VIEW_RECORDS)
@require_http_methods(["GET", "POST"])
def youth_list(request: HttpRequest) -> HttpResponse:
    # The search text goes by POST and lives in the session, so that personnummer and names
    # never appear in URLs or server logs (ASVS 14.2.1); filters stay in shareable URLs.
    if request.method == "POST":
        search = forms.SearchForm(request.POST)
        text = search.cleaned_data["q"].strip() if search.is_valid() else ""
        request.session[SEARCH_SESSION_KEY] = text
        query = request.GET.copy()
        query.pop("page", None)
        query["s"] = "1"
        return redirect(reverse("youth:list") + "?" + query.urlencode())
    text = request.session.get(SEARCH_SESSION_KEY, "") if "s" in request.GET else ""
    protected_filter_check(request)
    form = forms.YouthFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    youths = selectors.youth_list(
        user=request.user, filters=filters, search=text, sort=filters.get("sort") or "namn"
    )
    page = Paginator(youths, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    # One event per page view naming the youths shown (a search: the number of hits too).
    # Listing who has protected identity is flagged for the log review; it shows names only
    # (never what can locate them), so it needs no stated reason.
    protected = bool(filters.get("protected"))
    detail = f"hits:{page.paginator.count}" if text else "ungdomslista"
    audit_list_read(
        request,
        page.object_list,
        action=AuditEvent.Action.SEARCH if text else AuditEvent.Action.READ,
        detail=detail + (" filter:skyddade" if protected else ""),
        flagged=protected,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "youth/list.html",
        {
            "form": form,
            "search_form": forms.SearchForm(initial={"q": text}),
            "page": page,
            "query": query.urlencode(),
            "search": text,
            "can_assign": has_perm(request.user, Perm.ASSIGN_CASES),
            "can_export": has_perm(request.user, Perm.EXPORT),
            "assign_form": forms.AssignForm(municipality_id=request.user.municipality_id),
        },
    )


def protected_filter_check(request: HttpRequest) -> None:
    """Listing who has protected identity is for coordinators: anyone else asking for that
    filter is refused (403, a `denied` audit event)."""
    if request.GET.get("protected"):
        require(request, Perm.VIEW_PROTECTED)


@login_required
@perm_required(Perm.VIEW_RECORDS)
@require_GET
def caseload_panel(request: HttpRequest) -> HttpResponse:
    """The start page's "my youths" panel (loaded by htmx; also a page of its own)."""
    youths = list(selectors.caseload_of(user=request.user))
    audit_list_read(request, youths, detail="mina_ungdomar")
    template = "youth/partials/_caseload.html" if request.htmx else "youth/caseload.html"
    return render(request, template, {"youths": youths})


@login_required
@require_GET
def youth_detail(request: HttpRequest, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, pk)
    audit_read(request, youth)
    timeline = Paginator(selectors.timeline_for(youth=youth), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "youth": youth,
        "timeline": timeline,
        "note_form": forms.NoteForm(),
        "age": youth.age_on(timezone.localdate()),
        "can_see_protected": has_perm(request.user, Perm.VIEW_MUNICIPALITY_RECORDS),
        "can_state_reason": has_perm(request.user, Perm.VIEW_PROTECTED),
        "can_assign": has_perm(request.user, Perm.ASSIGN_CASES),
        **selectors.youth_page_data(youth=youth),
    }
    return render(request, "youth/detail.html", context)


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def youth_register(request: HttpRequest) -> HttpResponse:
    form = forms.YouthRegisterForm(request.POST or pop_draft(request) or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            youth, _period = services.youth_register(
                municipality=request.user.municipality,
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
    return render(request, "youth/register.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def youth_edit(request: HttpRequest, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, pk, write=True)
    hide_locating = not locating_data_visible(request, youth)
    form = forms.YouthContactForm(
        request.POST or None, instance=youth, hide_locating=hide_locating
    )
    if request.method == "GET":
        audit_read(request, youth, detail="kontaktuppgifter")
    if request.method == "POST" and form.is_valid():
        data = {
            name: form.cleaned_data[name]
            for name in form.fields
            if name in services.CONTACT_FIELDS
        }
        try:
            services.youth_contact_update(
                youth=youth, actor=request.user, version=form.submitted_version(), **data
            )
        except StaleEdit as exc:
            form.stale_apply(exc)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Kontaktuppgifterna är sparade."))
            return redirect("youth:detail", pk=youth.pk)
    return render(
        request,
        "youth/form.html",
        {
            "form": form,
            "youth": youth,
            "title": _("Ändra kontaktuppgifter"),
            "intro": PROTECTED_PLACEHOLDER if hide_locating else "",
        },
    )


def _youth_form_view(
    request: HttpRequest,
    pk: int,
    form_class: type,
    title: str,
    action: Any,
    success: str,
    **form_kwargs: Any,
) -> HttpResponse:
    """One youth, one form, one service call: the shape of the register's small actions."""
    youth = youth_get_for_user(request, pk, write=True)
    form = form_class(request.POST or None, **form_kwargs)
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
def occupation_add(request: HttpRequest, pk: int) -> HttpResponse:
    def action(youth: Youth, data: dict[str, Any]) -> None:
        services.occupation_record(youth=youth, actor=request.user, **data)

    return _youth_form_view(
        request,
        pk,
        forms.OccupationForm,
        _("Registrera sysselsättning"),
        action,
        _("Sysselsättningen är registrerad."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def guardian_add(request: HttpRequest, pk: int) -> HttpResponse:
    def action(youth: Youth, data: dict[str, Any]) -> None:
        services.guardian_add(youth=youth, actor=request.user, **data)

    return _youth_form_view(
        request,
        pk,
        forms.GuardianForm,
        _("Lägg till vårdnadshavare"),
        action,
        _("Vårdnadshavaren är tillagd."),
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
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
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def period_open(request: HttpRequest, pk: int) -> HttpResponse:
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
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def period_edit(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Correct a period (dates, reasons); linked from the SCB report's problem list."""
    youth = youth_get_for_user(request, pk, write=True)
    period = get_for_user(request, KaaPeriod.objects, write=True, pk=period_pk, youth=youth)
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
    audit_read(request, period, detail="period")
    return render(
        request, "youth/form.html", {"form": form, "youth": youth, "title": _("Rätta KAA-period")}
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def youth_assign(request: HttpRequest, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, pk, write=True)
    form = forms.AssignForm(
        request.POST or None,
        municipality_id=request.user.municipality_id,
        initial={"coach": youth.coach_id, "was": youth.coach_id or 0},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.youth_assign(
                youth=youth,
                coach=form.cleaned_data["coach"],
                team=None,
                actor=request.user,
                was=form.cleaned_data["was"],
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale":  # the next save is deliberate
                form.data = form.data.copy()
                form.data["was"] = str(Youth.objects.get(pk=youth.pk).coach_id or 0)
            errors_apply(form, exc)
        else:
            messages.success(request, _("Ungdomen är tilldelad."))
            return redirect("youth:detail", pk=youth.pk)
    return render(
        request, "youth/form.html", {"form": form, "youth": youth, "title": _("Tilldela coach")}
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_POST
def youth_assign_bulk(request: HttpRequest) -> HttpResponse:
    form = forms.AssignForm(request.POST, municipality_id=request.user.municipality_id)
    ids = int_list(request.POST.getlist("youth"))
    youths = list(bulk_for_user(request, Youth.objects, ids, write=True))
    back = safe_next(request, reverse("youth:list"))
    if not form.is_valid() or not youths:
        messages.error(request, _("Markera minst en ungdom och välj en coach."))
        return redirect(back)
    with transaction.atomic():
        for youth in youths:
            services.youth_assign(
                youth=youth, coach=form.cleaned_data["coach"], team=None, actor=request.user
            )
    messages.success(request, _("%(n)s ungdomar är tilldelade.") % {"n": len(youths)})
    return redirect(back)


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def caseload_hand_over(request: HttpRequest) -> HttpResponse:
    form = forms.HandOverForm(request.POST or None, municipality_id=request.user.municipality_id)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.caseload_hand_over(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("%(n)s ungdomar har lämnats över.") % {"n": moved})
            return redirect("youth:list")
    return render(request, "youth/form.html", {"form": form, "title": _("Lämna över ärenden")})


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, pk, write=True)
    form = forms.NoteForm(request.POST)
    corrects_id = int_list([request.POST.get("corrects", "")])
    corrects = (
        bulk_for_user(request, Note.objects.filter(youth=youth), corrects_id).first()
        if corrects_id
        else None
    )
    if corrects_id and corrects is None:
        # Not a note of this youth that the user may see: nothing is saved (a correction
        # must never turn into a free-standing note, nor attach to another youth's).
        messages.error(
            request,
            _(
                "Anteckningen sparades inte: anteckningen som skulle "
                "rättas finns inte hos den här ungdomen."
            ),
        )
    elif form.is_valid():
        services.note_add(
            youth=youth, author=request.user, text=form.cleaned_data["text"], corrects=corrects
        )
        messages.success(request, _("Anteckningen är sparad."))
    else:
        messages.error(
            request,
            _("Anteckningen sparades inte: %(e)s") % {"e": " ".join(form.errors.get("text", []))},
        )
    return redirect(reverse("youth:detail", kwargs={"pk": youth.pk}) + "#anteckningar")


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, pk, write=True)
    note = get_for_user(request, Note.objects, write=True, youth=youth, pk=note_pk)
    if note.author_id != request.user.pk:
        audit_event(
            request=request, action=AuditEvent.Action.DENIED, obj=note, detail="not the author"
        )
        messages.error(request, _("Bara den som skrev anteckningen kan ändra den."))
        return redirect("youth:detail", pk=youth.pk)
    form = forms.NoteForm(request.POST or None, initial={"text": note.text})
    if request.method == "GET":
        audit_read(request, note, detail="anteckning")
    if request.method == "POST" and form.is_valid():
        try:
            services.note_edit(note=note, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Anteckningen är ändrad."))
            return redirect("youth:detail", pk=youth.pk)
    return render(
        request, "youth/form.html", {"form": form, "youth": youth, "title": _("Ändra anteckning")}
    )


@login_required
@perm_required(Perm.EXPORT)
@require_GET
def youth_export(request: HttpRequest) -> HttpResponse:
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
    audit_bulk_read(request, youths, action=AuditEvent.Action.EXPORT, detail="xlsx")
    content = xlsx_bytes(
        title=_("Ungdomar"), header=exports.HEADER, rows=(exports.row_for(y) for y in youths)
    )
    response = HttpResponse(content, content_type=XLSX)
    name = f"kaa-ungdomar-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@perm_required(Perm.VIEW_MUNICIPALITY_RECORDS)
@require_http_methods(["GET", "POST"])
def data_protection(request: HttpRequest, pk: int) -> HttpResponse:
    """The youth's rights under the GDPR (coordinators): register extract, restriction of
    processing, requests for erasure and how they were answered."""
    youth = youth_get_for_user(request, pk)
    action = request.POST.get("action", "")
    restrict = forms.RestrictionForm(request.POST if action == "restrict" else None, prefix="r")
    lift = forms.LiftForm(request.POST if action == "lift" else None, prefix="l")
    erasure = forms.ErasureForm(request.POST if action == "erasure" else None, prefix="e")
    chosen = {"restrict": restrict, "lift": lift, "erasure": erasure}.get(action)
    if request.method == "POST":
        if not has_perm(request.user, Perm.EDIT_RECORDS) or chosen is None:
            raise PermissionDenied
        if chosen.is_valid():
            data = chosen.cleaned_data
            try:
                if action == "restrict":
                    services.restriction_set(youth=youth, actor=request.user, **data)
                elif action == "lift":
                    services.restriction_lift(youth=youth, actor=request.user, **data)
                else:
                    services.erasure_answer(youth=youth, actor=request.user, **data)
            except ValidationError as exc:
                errors_apply(chosen, exc)
            else:
                messages.success(request, _("Det är registrerat."))
                return redirect("youth:data_protection", pk=youth.pk)
    else:
        audit_read(request, youth, detail="dataskydd")
    return render(
        request,
        "youth/data_protection.html",
        {
            "youth": youth,
            "restrict": restrict,
            "lift": lift,
            "erasure": erasure,
            "extract_key": uuid.uuid4(),  # one order per form shown (a double click orders one)
            "requests": DataRequest.objects.filter(youth=youth).select_related("handled_by"),
            "changes": FieldChange.objects.filter(youth=youth).select_related("by")[:50],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def protected_reason(request: HttpRequest, pk: int) -> HttpResponse:
    """Before a youth with protected identity is opened: the reason, flagged in the log. The
    page names nobody; a user who may not see the youth gets 404 as anywhere else."""
    youth = get_for_user(request, Youth.objects.all(), pk=pk)
    form = forms.ReasonForm(request.POST or None)
    target = safe_next(request, reverse("youth:detail", args=[youth.pk]))
    if request.method == "POST" and form.is_valid():
        reason_grant(request, youth.pk)
        audit_event(
            request=request,
            action=AuditEvent.Action.READ,
            obj=youth,
            flagged=True,
            detail=f"skyddad identitet, skäl: {form.as_text()}"[:200],
        )
        return redirect(target)
    return render(request, "youth/reason.html", {"form": form, "next": target})
