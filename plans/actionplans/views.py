"""Action plan pages of one youth: making a plan, reading and changing it, its
interventions, follow-ups, the closing conversation, revisions side by side and the printed
plan; and the list of plans whose follow-up is overdue.

Every view of one youth fetches the youth through `youth_get_for_user` (object access, 404
for others) and then only that youth's rows; every page or PDF showing personal data is
audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa.access import Perm, get_for_user, has_perm, perm_required
from kaa.audit import listed, shown
from kaa.drafts import pop_draft
from kaa.forms import errors_apply
from kaa.lib.params import int_param
from kaa.lib.pdf import pdf_render
from kaa.types import AuthenticatedHttpRequest
from kaa.versioning import StaleEdit
from plans.actionplans.forms import ClosingForm, FollowUpForm, InterventionForm, PlanForm
from plans.actionplans.models import ActionPlan, PlanRevision
from plans.actionplans.revisions import revision_compare
from plans.actionplans.selectors import (
    follow_ups_of,
    intervention_as_stored,
    interventions_of,
    interventions_with_type,
    overdue_plans,
    plan_as_stored,
    plan_printout,
    plans_for_detail,
    revisions_of,
)
from plans.actionplans.services import (
    closing_record,
    follow_up_record,
    intervention_save,
    interventions_open,
    next_month,
    plan_create,
    plan_update,
)
from plans.catalogue.services import catalogue_ensure
from plans.common.views import form_page, pdf_response
from plans.consent.validity import consent_current
from youth.models import Youth
from youth.register.permissions import locating_data_visible, youth_get_for_user


def _plan_of(request: AuthenticatedHttpRequest, youth: Youth, pk: int) -> ActionPlan:
    return get_for_user(request, plans_for_detail(), youth=youth, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_add(request: AuthenticatedHttpRequest, youth_pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    preventive = request.GET.get("typ") == "forebyggande"
    kind = ActionPlan.Kind.PREVENTIVE if preventive else ActionPlan.Kind.KAA
    form = PlanForm(
        request.POST or pop_draft(request) or None, user=request.user, preventive=preventive
    )
    consent = consent_current(youth)
    if request.method == "GET":  # the page shows the current consent
        shown(request, consent or youth, what="ny_plan")
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(youth=youth, actor=request.user, kind=kind, **form.cleaned_data)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Planen är upprättad. Lägg till insatserna."))
            return redirect("plans:plan_detail", youth_pk=youth.pk, pk=plan.pk)
    title = (
        _("Ny förebyggande plan med skolan") if preventive else _("Ny individuell handlingsplan")
    )
    return form_page(
        request, youth, form, title, template="plans/actionplans/form.html", consent=consent
    )


@login_required
@require_GET
def plan_detail(request: AuthenticatedHttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk)
    plan = _plan_of(request, youth, pk)
    shown(request, plan, what="handlingsplan")
    return render(
        request,
        "plans/actionplans/detail.html",
        {
            "youth": youth,
            "plan": plan,
            "interventions": list(interventions_of(plan)),
            "follow_ups": list(follow_ups_of(plan)[:50]),
            "revisions": list(revisions_of(plan)[:50]),
            "closing": getattr(plan, "closing", None) if not plan.is_active else None,
            "can_edit": has_perm(request.user, Perm.EDIT_RECORDS) and plan.is_active,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedHttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    plan = _plan_of(request, youth, pk)
    form = PlanForm(
        request.POST or None,
        instance=plan,
        user=request.user,
        preventive=plan.kind == ActionPlan.Kind.PREVENTIVE,
        hide_locating=not locating_data_visible(request, youth),
    )
    if request.method == "GET":
        shown(request, plan, what="andra_plan")
    if request.method == "POST" and form.is_valid():
        try:
            plan_update(
                plan=plan_as_stored(plan.pk),
                actor=request.user,
                version=form.submitted_version(),
                **form.to_save(),
            )
        except StaleEdit as exc:
            form.stale_apply(exc)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Planen är ändrad. En ny revision är sparad."))
            return redirect("plans:plan_detail", youth_pk=youth.pk, pk=plan.pk)
    return form_page(request, youth, form, _("Ändra handlingsplan"), plan=plan)


@login_required
@require_http_methods(["GET", "POST"])
def intervention_edit(
    request: AuthenticatedHttpRequest, youth_pk: int, pk: int, intervention_pk: int | None = None
) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    plan = _plan_of(request, youth, pk)
    intervention = None
    if intervention_pk is not None:
        intervention = get_for_user(
            request, interventions_with_type(), plan=plan, pk=intervention_pk
        )
    catalogue_ensure(youth.municipality)
    form = InterventionForm(
        request.POST or None, instance=intervention, municipality_id=youth.municipality_id
    )
    if request.method == "GET":
        shown(request, intervention or plan, what="insats")
    if request.method == "POST" and form.is_valid():
        try:
            fresh = intervention_as_stored(intervention.pk) if intervention else None
            intervention_save(
                plan=plan,
                actor=request.user,
                intervention=fresh,
                version=form.submitted_version(),
                **form.to_save(),
            )
        except StaleEdit as exc:
            form.stale_apply(exc)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Insatsen är sparad. En ny revision av planen är sparad."))
            return redirect("plans:plan_detail", youth_pk=youth.pk, pk=plan.pk)
    title = _("Ändra insats") if intervention else _("Lägg till insats")
    return form_page(request, youth, form, title, plan=plan)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request: AuthenticatedHttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    plan = _plan_of(request, youth, pk)
    wanted = int_param(request.GET, "insats")
    # An intervention named in the address must be one of this plan's (404 and a denial
    # otherwise): never silently a follow-up of the whole plan instead.
    intervention = (
        get_for_user(request, interventions_with_type(), plan=plan, pk=wanted)
        if wanted is not None
        else None
    )
    form = FollowUpForm(request.POST or None)
    if request.method == "GET":
        shown(request, plan, what="uppfoljning")
        form.fields["next_date"].initial = next_month(timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            follow_up_record(
                plan=plan,
                actor=request.user,
                held_on=data["held_on"],
                note=data["note"],
                intervention=intervention,
                next_follow_up=None if intervention else data["next_date"],
                intervention_next=data["next_date"] if intervention else None,
            )
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Uppföljningen är sparad."))
            return redirect("plans:plan_detail", youth_pk=youth.pk, pk=plan.pk)
    title = (
        _("Följ upp insats: %(name)s") % {"name": intervention.type.name}
        if intervention
        else _("Följ upp handlingsplanen")
    )
    return form_page(request, youth, form, title, plan=plan)


@login_required
@require_http_methods(["GET", "POST"])
def closing(request: AuthenticatedHttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    plan = _plan_of(request, youth, pk)
    if not plan.is_active:
        # The form closes with the plan: its conversation (if any) is on the plan's page.
        messages.info(request, _("Planen är redan avslutad."))
        return redirect("plans:plan_detail", youth_pk=youth.pk, pk=plan.pk)
    form = ClosingForm(
        request.POST or None,
        municipality_id=youth.municipality_id,
        open_interventions=interventions_open(plan),
    )
    if request.method == "GET":
        shown(request, plan, what="avslutande_samtal")
    if request.method == "POST" and form.is_valid():
        try:
            closing_record(
                plan=plan, actor=request.user, end_reasons=form.end_reasons(), **form.answers()
            )
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(
                request, _("Det avslutande samtalet är sparat och planen är avslutad.")
            )
            return redirect("plans:plan_detail", youth_pk=youth.pk, pk=plan.pk)
    return form_page(request, youth, form, _("Avslutande samtal och utvärdering"), plan=plan)


@login_required
@require_GET
def revisions(request: AuthenticatedHttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    """Two revisions side by side (the latest and the one before, unless chosen)."""
    youth = youth_get_for_user(request, youth_pk)
    plan = _plan_of(request, youth, pk)
    all_revisions = list(revisions_of(plan))
    by_number = {r.number: r for r in all_revisions}

    def pick(key: str, default: PlanRevision) -> PlanRevision:
        number = int_param(request.GET, key)
        return default if number is None else by_number.get(number, default)

    newest = all_revisions[0]
    new = pick("b", newest)
    old = pick("a", next((r for r in all_revisions if r.number < new.number), new))
    shown(request, plan, what="revisioner")
    return render(
        request,
        "plans/actionplans/revisions.html",
        {
            "youth": youth,
            "plan": plan,
            "revisions": all_revisions,
            "old": old,
            "new": new,
            "compare": revision_compare(old, new),
        },
    )


@login_required
@require_GET
def plan_pdf(request: AuthenticatedHttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk)
    plan = _plan_of(request, youth, pk)
    shown(request, plan, what="handlingsplan.pdf")
    context = {
        "youth": youth,
        "plan": plan,
        "today": timezone.localdate(),
        **plan_printout(youth=youth, plan=plan),
        "under_18": youth.age_on(plan.start_date) < 18,
        "request": request,  # what can locate a protected youth (templatetags.protection)
    }
    return pdf_response(
        pdf_render("plans/actionplans/pdf.html", context), f"handlingsplan-{plan.start_date}.pdf"
    )


@login_required
@perm_required(Perm.VIEW_RECORDS)
@require_GET
def overdue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Active plans whose follow-up (of the plan or an intervention) is overdue."""
    today = timezone.localdate()
    plans = overdue_plans(user=request.user, today=today)
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    listed(request, [p.youth_id for p in page.object_list], what="sena_uppfoljningar")
    return render(request, "plans/actionplans/overdue.html", {"page": page, "today": today})
