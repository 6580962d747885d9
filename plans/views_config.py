"""Municipality-level views of plans: the intervention catalogue and partner organisations
(coordinators configure), network meetings (coordinators run them), overdue follow-ups,
and registering a school's report of a student at risk (preventive case)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa.access import Perm, get_in_municipality, has_perm, perm_required
from kaa.audit import Action, audit_event, audit_list_read, audit_read
from kaa.drafts import pop_draft
from kaa.forms import errors_apply
from kaa.lib.params import int_list
from outreach.services import TaskKind, late_task_exists
from plans import forms, services
from plans.catalogue import catalogue_ensure
from plans.meetings import meeting_proposals, meeting_record
from plans.models import ActionPlan, InterventionType, MeetingYouth, NetworkMeeting, Partner


def _config_edit(request: HttpRequest, model: type, form_class: type, pk: int | None,
                 list_url: str, title: str) -> HttpResponse:
    obj = get_in_municipality(request, model.objects, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.municipality_id = request.user.municipality_id
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            form.add_error("name", _("Det finns redan en post med det namnet."))
        else:
            audit_event(request=request, action=Action.UPDATE if pk else Action.CREATE,
                        obj=item, detail=",".join(form.changed_data))
            messages.success(request, _("Sparat."))
            return redirect(list_url)
    return render(request, "plans/config_form.html", {"form": form, "title": title,
                                                      "back": list_url})


@login_required
@perm_required(Perm.CONFIGURE)
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    catalogue_ensure(request.user.municipality)
    types = InterventionType.objects.filter(municipality_id=request.user.municipality_id)
    return render(request, "plans/catalogue.html", {"types": types})


@login_required
@perm_required(Perm.CONFIGURE)
@require_http_methods(["GET", "POST"])
def catalogue_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _config_edit(request, InterventionType, forms.InterventionTypeForm, pk,
                        "plans:catalogue", _("Insats i katalogen"))


@login_required
@perm_required(Perm.CONFIGURE)
@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    rows = Partner.objects.filter(municipality_id=request.user.municipality_id)
    return render(request, "plans/partners.html", {"partners": rows})


@login_required
@perm_required(Perm.CONFIGURE)
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _config_edit(request, Partner, forms.PartnerForm, pk, "plans:partners",
                        _("Samverkanspart"))


# --- Network meetings -----------------------------------------------------------------------

@login_required
@perm_required(Perm.VIEW_MUNICIPALITY_RECORDS)
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = (NetworkMeeting.objects.filter(municipality_id=request.user.municipality_id)
                .prefetch_related("partners").annotate(named=Count("discussed")))
    page = Paginator(meetings, 25).get_page(request.GET.get("page"))
    return render(request, "plans/meetings.html", {"page": page})


@login_required
@perm_required(Perm.VIEW_MUNICIPALITY_RECORDS)
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    """Step 1 (GET with date and partners): the proposal. Step 2 (POST): save the meeting
    with the youths ticked; the service checks every consent again."""
    municipality = request.user.municipality
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = forms.MeetingStartForm(data, municipality_id=municipality.pk)
    proposal = None
    if form.is_valid():
        partners = list(form.cleaned_data["partners"])
        held_on = form.cleaned_data["held_on"]
        if request.method == "POST":
            try:
                meeting = meeting_record(
                    municipality=municipality, actor=request.user, held_on=held_on,
                    partners=partners, youth_ids=int_list(request.POST.getlist("youth")),
                    agenda=request.POST.get("agenda", "")[:4000])
            except ValidationError as exc:
                errors_apply(form, exc)
            else:
                messages.success(request, _("Nätverksmötet är sparat."))
                return redirect("plans:meeting_detail", pk=meeting.pk)
        proposal = meeting_proposals(municipality=municipality, partners=partners, on=held_on)
        audit_list_read(request, [youth for youth, _c in proposal.nameable],
                        detail="natverksmote.forslag")
    return render(request, "plans/meeting_new.html", {
        "form": form, "proposal": proposal,
        "chosen": set(int_list(request.POST.getlist("youth"))),
        "agenda": request.POST.get("agenda", "")})


@login_required
@perm_required(Perm.VIEW_MUNICIPALITY_RECORDS)
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_in_municipality(request, NetworkMeeting.objects.prefetch_related("partners"),
                                  pk=pk)
    discussed = list(MeetingYouth.objects.visible_to(request.user).filter(meeting=meeting)
                     .select_related("youth", "consent").order_by("youth__last_name"))
    audit_list_read(request, [d.youth_id for d in discussed], detail="natverksmote")
    return render(request, "plans/meeting_detail.html", {"meeting": meeting,
                                                         "discussed": discussed})


# --- Overdue follow-ups and preventive cases -----------------------------------------------

@login_required
@perm_required(Perm.VIEW_RECORDS)
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """Active plans whose follow-up (of the plan or an intervention) is overdue."""
    today = timezone.localdate()
    late_task = late_task_exists(
        youth=OuterRef("youth"), on=today,
        kinds=(TaskKind.PLAN_FOLLOW_UP, TaskKind.INTERVENTION_FOLLOW_UP))
    plans = (ActionPlan.objects.visible_to(request.user)
             .filter(Q(next_follow_up__lt=today) | late_task,
                     status=ActionPlan.Status.ACTIVE)
             .select_related("youth", "case_worker", "youth__coach")
             .order_by("next_follow_up", "pk"))
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    audit_list_read(request, [p.youth_id for p in page.object_list],
                    detail="sena_uppfoljningar")
    return render(request, "plans/overdue.html", {"page": page, "today": today})


@login_required
@perm_required(Perm.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def preventive_new(request: HttpRequest) -> HttpResponse:
    form = forms.PreventiveForm(request.POST or pop_draft(request) or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        details: dict[str, Any] = {"phone": data.pop("phone")} if data.get("phone") else {}
        try:
            with transaction.atomic():
                report = services.preventive_case_report(
                    municipality=request.user.municipality, actor=request.user, **data,
                    **details)
                if report.hidden is not None:
                    # A number that matched a record this user may not see: refused, and
                    # answered exactly like a number that is not in the register.
                    audit_event(request=request, action=Action.DENIED, obj=report.hidden,
                                detail="preventive: personnummer outside scope")
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            if report.youth is None:
                messages.success(request, _("Anmälan är mottagen och skickad till "
                                            "samordnarna, som tar hand om den."))
                return redirect("plans:preventive_new")
            youth = report.youth
            audit_read(request, youth, detail="forebyggande")
            messages.success(request, _("Eleven är registrerad. Registrera samtycket och gör "
                                        "sedan en förebyggande plan med skolan."))
            return redirect("youth:detail", pk=youth.pk)
    intro = _("För en elev som fortfarande går i skolan men riskerar att avbryta "
              "studierna, anmäld av skolan. Eleven hamnar inte i KAA-statistiken.")
    if not has_perm(request.user, Perm.VIEW_MUNICIPALITY_RECORDS):
        intro += " " + _("Är eleven inte ett av dina eller ditt teams ärenden går anmälan "
                         "till samordnarna, som tar hand om den.")
    return render(request, "plans/config_form.html", {
        "form": form, "title": _("Förebyggande ärende: elev som riskerar studieavbrott"),
        "back": "youth:list", "submit_label": _("Registrera eleven"), "intro": intro})
