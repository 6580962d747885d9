"""Views of plans on one youth: the plans part of the youth's page, mapping conversations,
consents (with the printable form), action plans, interventions, follow-ups, closing.

Every view fetches the youth through `youth_get_for_user` (object access, 404 for others)
and then only that youth's rows; every page or PDF showing personal data is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaa.access import Perm, get_for_user, has_perm
from kaa.audit import audit_read, audit_read_fragment
from kaa.drafts import pop_draft
from kaa.forms import errors_apply
from kaa.lib.params import int_param
from kaa.lib.pdf import pdf_render
from kaa.uploads import upload_limit
from kaa.versioning import StaleEdit
from plans import forms, services
from plans.catalogue import catalogue_ensure
from plans.consent import (
    SCAN_MAX_BYTES,
    consent_current,
    consent_is_valid,
    consent_paper_received,
    consent_record,
    consent_revoke,
)
from plans.models import (
    ActionPlan,
    Consent,
    Intervention,
    MappingConversation,
    MeetingYouth,
    PlanFollowUp,
    PlanRevision,
)
from youth.models import KaaPeriod, Youth
from youth.permissions import locating_data_visible, youth_get_for_user


def _plan_of(request: HttpRequest, youth: Youth, pk: int) -> ActionPlan:
    queryset = ActionPlan.objects.select_related("case_worker", "consent", "period",
                                                 "period__registration_reason")
    return get_for_user(request, queryset, youth=youth, pk=pk)


def _plans_context(youth: Youth) -> dict[str, Any]:
    today = timezone.localdate()
    context: dict[str, Any] = {
        "youth": youth,
        "consent": consent_current(youth, today),
        "consents": list(Consent.objects.filter(youth=youth).select_related("guardian",
                                                                           "other_partner")),
        "conversations": list(MappingConversation.objects.filter(youth=youth)
                              .select_related("conducted_by", "occupation_type")[:20]),
        "plans": list(ActionPlan.objects.filter(youth=youth)
                      .select_related("case_worker")
                      .prefetch_related(Prefetch("interventions", queryset=Intervention.objects
                                                 .select_related("type")))),
        "meetings": list(MeetingYouth.objects.filter(youth=youth)
                         .select_related("meeting").order_by("-meeting__held_on")[:10]),
        "open_period": KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).first(),
        "can_edit": False,
        "today": today,
    }
    context["active_plan"] = next((p for p in context["plans"] if p.is_active), None)
    return context


@login_required
@require_GET
def youth_tab(request: HttpRequest, youth_pk: int) -> HttpResponse:
    """The plans part of the youth's page (an htmx fragment; also a page of its own)."""
    youth = youth_get_for_user(request, youth_pk)
    audit_read_fragment(request, youth, detail="planer")
    context = _plans_context(youth)
    context["can_edit"] = has_perm(request.user, Perm.EDIT_RECORDS)
    template = "plans/partials/_youth_tab.html" if request.htmx else "plans/youth_tab.html"
    return render(request, template, context)


def _form_page(request: HttpRequest, youth: Youth, form: Any, title: str, *,
               template: str = "plans/form.html", **extra: Any) -> HttpResponse:
    return render(request, template, {"form": form, "youth": youth, "title": title, **extra})


# --- Mapping conversations ----------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def conversation_add(request: HttpRequest, youth_pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    form = forms.ConversationForm(request.POST or pop_draft(request) or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.conversation_record(youth=youth, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Kartläggningssamtalet är sparat."))
            return redirect(reverse("youth:detail", args=[youth.pk]) + "#planer")
    return _form_page(request, youth, form, _("Kartläggningssamtal"))


@login_required
@require_GET
def conversation_detail(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk)
    conversation = get_for_user(request, MappingConversation.objects.select_related(
        "conducted_by", "occupation_type"), youth=youth, pk=pk)
    audit_read(request, conversation, detail="kartlaggning")
    return render(request, "plans/conversation_detail.html",
                  {"youth": youth, "c": conversation})


# --- Consents -----------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def consent_add(request: HttpRequest, youth_pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    form = forms.ConsentForm(request.POST or pop_draft(request) or None, youth=youth)
    if request.method == "POST" and form.is_valid():
        try:
            consent = consent_record(youth=youth, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Samtycket är registrerat. Skriv ut blanketten för "
                                        "underskrift om den inte redan är underskriven."))
            return redirect("plans:consent_detail", youth_pk=youth.pk, pk=consent.pk)
    return _form_page(request, youth, form, _("Registrera samtycke"),
                      template="plans/consent_form.html",
                      under_18=youth.age_on(timezone.localdate()) < 18)


def _consent_of(request: HttpRequest, youth: Youth, pk: int) -> Consent:
    return get_for_user(request, Consent.objects.select_related(
        "guardian", "other_partner", "period", "paper_received_by", "ended_by", "created_by"),
        youth=youth, pk=pk)


@login_required
@require_GET
def consent_detail(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk)
    consent = _consent_of(request, youth, pk)
    audit_read(request, consent, detail="samtycke")
    return render(request, "plans/consent_detail.html", {
        "youth": youth, "consent": consent,
        "valid": consent_is_valid(consent, timezone.localdate()),
        "revoke_form": forms.RevokeForm(version=consent.version),
        "paper_form": forms.PaperReceivedForm(version=consent.version),
        "can_edit": has_perm(request.user, Perm.EDIT_RECORDS)})


def _consent_action(request: HttpRequest, youth_pk: int, pk: int, form_class: type,
                    action: Any, success: str) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    consent = _consent_of(request, youth, pk)
    extra = {"user": request.user} if form_class is forms.PaperReceivedForm else {}
    form = form_class(request.POST, request.FILES, version=consent.version, **extra)
    if form.is_valid():
        try:
            action(consent, form.cleaned_data)
        except StaleEdit as exc:
            form.stale_apply(exc)
            if request.FILES.get("scan") and "scan" in form.fields:
                # A browser never fills in a file field again: say so, beside the field.
                form.add_error("scan", _("Filen är inte sparad. Välj den igen om den ska "
                                         "sparas."))
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, success)
            return redirect("plans:consent_detail", youth_pk=youth.pk, pk=consent.pk)
    forms_ctx = {"revoke_form": forms.RevokeForm(version=consent.version),
                 "paper_form": forms.PaperReceivedForm(version=consent.version)}
    forms_ctx["revoke_form" if form_class is forms.RevokeForm else "paper_form"] = form
    return render(request, "plans/consent_detail.html", {
        "youth": youth, "consent": consent, "can_edit": True,
        "valid": consent_is_valid(consent, timezone.localdate()), **forms_ctx},
        status=400)


@login_required
@require_POST
def consent_revoke_view(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    def action(consent: Consent, data: dict[str, Any]) -> None:
        consent_revoke(consent=consent, actor=request.user, on=data["on"], note=data["note"],
                       version=data.get("version"))

    return _consent_action(request, youth_pk, pk, forms.RevokeForm, action,
                           _("Samtycket är återkallat och gäller inte längre."))


@upload_limit(SCAN_MAX_BYTES)
@login_required
@require_POST
def consent_paper(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    def action(consent: Consent, data: dict[str, Any]) -> None:
        consent_paper_received(consent=consent, actor=request.user, on=data["on"],
                               scan=data.get("scan") or None, version=data.get("version"))

    return _consent_action(request, youth_pk, pk, forms.PaperReceivedForm, action,
                           _("Den underskrivna blanketten är registrerad som mottagen."))


@login_required
@require_GET
def consent_pdf(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk)
    consent = _consent_of(request, youth, pk)
    audit_read(request, consent, detail="samtycke.pdf")
    pdf = pdf_render("pdf/consent.html", {"youth": youth, "consent": consent,
                                          "parties": _consent_parties(consent),
                                          "request": request})  # protected identity
    return _pdf_response(pdf, f"samtycke-{consent.given_on}.pdf")


def _consent_parties(consent: Consent) -> list[tuple[str, bool, str]]:
    from plans.models import PartyKind

    rows = []
    for kind, ticked in consent.party_flags().items():
        detail = ""
        if kind == PartyKind.RELATIVE:
            detail = consent.relative_name
        elif kind == PartyKind.OTHER:
            detail = str(consent.other_partner or consent.other_name)
        rows.append((str(PartyKind(kind).label), ticked, detail))
    return rows


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_GET
def consent_scan(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk)
    consent = _consent_of(request, youth, pk)
    if not consent.scan:
        return redirect("plans:consent_detail", youth_pk=youth.pk, pk=consent.pk)
    audit_read(request, consent, detail="samtycke.skanning")
    name = consent.scan.name.rsplit("/", 1)[-1]
    content_type = {"pdf": "application/pdf", "png": "image/png"}.get(
        name.rsplit(".", 1)[-1], "image/jpeg")
    return FileResponse(consent.scan.open("rb"), content_type=content_type,
                        as_attachment=True, filename=name)


# --- Plans ---------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def plan_add(request: HttpRequest, youth_pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    preventive = request.GET.get("typ") == "forebyggande"
    kind = ActionPlan.Kind.PREVENTIVE if preventive else ActionPlan.Kind.KAA
    form = forms.PlanForm(request.POST or pop_draft(request) or None, user=request.user,
                          preventive=preventive)
    consent = consent_current(youth)
    if request.method == "GET":  # the page shows the current consent
        audit_read(request, consent or youth, detail="ny_plan")
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(youth=youth, actor=request.user, kind=kind,
                                        **form.cleaned_data)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Planen är upprättad. Lägg till insatserna."))
            return redirect("plans:plan_detail", youth_pk=youth.pk, pk=plan.pk)
    title = (_("Ny förebyggande plan med skolan") if preventive
             else _("Ny individuell handlingsplan"))
    return _form_page(request, youth, form, title, template="plans/plan_form.html",
                      consent=consent)


@login_required
@require_GET
def plan_detail(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk)
    plan = _plan_of(request, youth, pk)
    audit_read(request, plan, detail="handlingsplan")
    return render(request, "plans/plan_detail.html", {
        "youth": youth, "plan": plan,
        "interventions": list(plan.interventions.select_related(
            "type", "responsible_staff", "partner", "went_on_to")),
        "follow_ups": list(PlanFollowUp.objects.filter(plan=plan)
                           .select_related("by", "intervention__type")[:50]),
        "revisions": list(plan.revisions.select_related("by")[:50]),
        "closing": getattr(plan, "closing", None) if not plan.is_active else None,
        "can_edit": has_perm(request.user, Perm.EDIT_RECORDS) and plan.is_active,
        "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    plan = _plan_of(request, youth, pk)
    form = forms.PlanForm(request.POST or None, instance=plan, user=request.user,
                          preventive=plan.kind == ActionPlan.Kind.PREVENTIVE,
                          hide_locating=not locating_data_visible(request, youth))
    if request.method == "GET":
        audit_read(request, plan, detail="andra_plan")
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=ActionPlan.objects.get(pk=plan.pk), actor=request.user,
                                 **form.cleaned_data)
        except StaleEdit as exc:
            form.stale_apply(exc)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Planen är ändrad. En ny revision är sparad."))
            return redirect("plans:plan_detail", youth_pk=youth.pk, pk=plan.pk)
    return _form_page(request, youth, form, _("Ändra handlingsplan"), plan=plan)


@login_required
@require_http_methods(["GET", "POST"])
def intervention_edit(request: HttpRequest, youth_pk: int, pk: int,
                      intervention_pk: int | None = None) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    plan = _plan_of(request, youth, pk)
    intervention = None
    if intervention_pk is not None:
        intervention = get_for_user(request, Intervention.objects.select_related("type"),
                                    plan=plan, pk=intervention_pk)
    catalogue_ensure(youth.municipality)
    form = forms.InterventionForm(request.POST or None, instance=intervention,
                                  municipality_id=youth.municipality_id)
    if request.method == "GET":
        audit_read(request, intervention or plan, detail="insats")
    if request.method == "POST" and form.is_valid():
        try:
            fresh = Intervention.objects.get(pk=intervention.pk) if intervention else None
            services.intervention_save(plan=plan, actor=request.user, intervention=fresh,
                                       **form.cleaned_data)
        except StaleEdit as exc:
            form.stale_apply(exc)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Insatsen är sparad. En ny revision av planen är "
                                        "sparad."))
            return redirect("plans:plan_detail", youth_pk=youth.pk, pk=plan.pk)
    title = _("Ändra insats") if intervention else _("Lägg till insats")
    return _form_page(request, youth, form, title, plan=plan)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    plan = _plan_of(request, youth, pk)
    wanted = int_param(request.GET, "insats")
    # An intervention named in the address must be one of this plan's (404 and a denial
    # otherwise): never silently a follow-up of the whole plan instead.
    intervention = (get_for_user(request, Intervention.objects.select_related("type"),
                                 plan=plan, pk=wanted) if wanted is not None else None)
    form = forms.FollowUpForm(request.POST or None)
    if request.method == "GET":
        audit_read(request, plan, detail="uppfoljning")
        form.fields["next_date"].initial = services.next_month(timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.follow_up_record(
                plan=plan, actor=request.user, held_on=data["held_on"], note=data["note"],
                intervention=intervention,
                next_follow_up=None if intervention else data["next_date"],
                intervention_next=data["next_date"] if intervention else None)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Uppföljningen är sparad."))
            return redirect("plans:plan_detail", youth_pk=youth.pk, pk=plan.pk)
    title = (_("Följ upp insats: %(name)s") % {"name": intervention.type.name}
             if intervention else _("Följ upp handlingsplanen"))
    return _form_page(request, youth, form, title, plan=plan)


@login_required
@require_http_methods(["GET", "POST"])
def closing(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    plan = _plan_of(request, youth, pk)
    form = forms.ClosingForm(request.POST or None, municipality_id=youth.municipality_id)
    if request.method == "GET":
        audit_read(request, plan, detail="avslutande_samtal")
    if request.method == "POST" and form.is_valid():
        try:
            services.closing_record(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Det avslutande samtalet är sparat och planen är "
                                        "avslutad."))
            return redirect("plans:plan_detail", youth_pk=youth.pk, pk=plan.pk)
    return _form_page(request, youth, form, _("Avslutande samtal och utvärdering"), plan=plan)


@login_required
@require_GET
def revisions(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    """Two revisions side by side (the latest and the one before, unless chosen)."""
    youth = youth_get_for_user(request, youth_pk)
    plan = _plan_of(request, youth, pk)
    all_revisions = list(PlanRevision.objects.filter(plan=plan).select_related("by"))
    by_number = {r.number: r for r in all_revisions}

    def pick(key: str, default: PlanRevision) -> PlanRevision:
        return by_number.get(int_param(request.GET, key), default)

    newest = all_revisions[0]
    new = pick("b", newest)
    old = pick("a", next((r for r in all_revisions if r.number < new.number), new))
    audit_read(request, plan, detail="revisioner")
    return render(request, "plans/revisions.html", {
        "youth": youth, "plan": plan, "revisions": all_revisions, "old": old, "new": new,
        "compare": services.revision_compare(old, new)})


@login_required
@require_GET
def plan_pdf(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk)
    plan = _plan_of(request, youth, pk)
    audit_read(request, plan, detail="handlingsplan.pdf")
    context = {
        "youth": youth, "plan": plan, "today": timezone.localdate(),
        "guardian": youth.guardians.first(),
        "interventions": [i for i in plan.interventions.select_related(
            "type", "responsible_staff", "partner", "went_on_to") if not i.declined],
        "declined": [i for i in plan.interventions.select_related("type") if i.declined],
        "under_18": youth.age_on(plan.start_date) < 18,
        "request": request,  # what can locate a protected youth (templatetags.protection)
    }
    return _pdf_response(pdf_render("pdf/plan.html", context),
                         f"handlingsplan-{plan.start_date}.pdf")
