"""The coordinators' pages for extended responsibility after 20: the proposals made by the
20th-birthday job, and the decision on one. Coordinators only (the municipality's whole
register); a proposal of another municipality is a 404. Every page naming youths is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from kaa.access import Perm, get_for_user, perm_required
from kaa.audit import listed, shown
from kaa.forms import errors_apply
from kaa.lib.todo import count_fragment
from kaa.types import AuthenticatedHttpRequest
from plans.actionplans.models import Intervention
from plans.ukaa.forms import YES, UkaaDecisionForm
from plans.ukaa.models import UkaaOffer
from plans.ukaa.services import offer_decide

PAGE_SIZE = 50


@login_required
@require_GET
def todo_counts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start-page fragment: proposals waiting for a decision (a count, linked to the list)."""
    waiting = UkaaOffer.objects.visible_to(request.user).filter(status=UkaaOffer.Status.PROPOSED)
    return count_fragment(
        request,
        perm=Perm.ASSIGN_CASES,
        count=waiting.count,
        label=lambda n: ngettext(
            "förslag om utökat aktivitetsansvar", "förslag om utökat aktivitetsansvar", n
        ),
        url=reverse("plans:ukaa_list"),
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_GET
def offer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", UkaaOffer.Status.PROPOSED)
    status = status if status in UkaaOffer.Status.values else UkaaOffer.Status.PROPOSED
    offers = (
        UkaaOffer.objects.visible_to(request.user)
        .filter(status=status)
        .select_related("youth", "kaa_period", "decided_by", "ukaa_period")
    )
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    listed(request, [o.youth_id for o in page.object_list], what="ukaa")
    return render(
        request,
        "plans/ukaa/list.html",
        {
            "page": page,
            "status": status,
            "statuses": UkaaOffer.Status.choices,
            "query": f"status={status}",
        },
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def offer_decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offers = UkaaOffer.objects.select_related(
        "youth", "kaa_period", "plan", "decided_by", "ukaa_period", "continued_plan"
    )
    offer = get_for_user(request, offers, write=request.method == "POST", pk=pk)
    shown(request, offer.youth, what="ukaa")
    form = UkaaDecisionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                offer_decide(
                    offer=offer,
                    actor=request.user,
                    offer_ukaa=form.cleaned_data["decision"] == YES,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                errors_apply(form, exc)
            else:
                messages.success(
                    request,
                    _("Utökat aktivitetsansvar är beslutat.")
                    if form.cleaned_data["decision"] == YES
                    else _("Beslutet är sparat: utökat aktivitetsansvar erbjuds inte."),
                )
                return redirect("plans:ukaa_decide", pk=offer.pk)
        status = 400
    interventions = (
        Intervention.objects.filter(pk__in=offer.intervention_ids).select_related("type")
        if offer.intervention_ids
        else Intervention.objects.none()
    )
    return render(
        request,
        "plans/ukaa/decide.html",
        {
            "offer": offer,
            "youth": offer.youth,
            "form": form,
            "interventions": interventions,
            "title": _("Erbjuda utökat aktivitetsansvar?"),
        },
        status=status,
    )
