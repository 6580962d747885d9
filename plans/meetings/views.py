"""Network meeting pages (coordinators run the meetings): the list, recording one in two
steps (the proposal, then the youths named), and one meeting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa.access import (
    Perm,
    get_in_municipality,
    perm_required,
    user_municipality,
    user_municipality_id,
)
from kaa.audit import listed
from kaa.forms import errors_apply
from kaa.lib.params import int_list
from kaa.types import AuthenticatedHttpRequest
from plans.meetings.forms import MeetingStartForm
from plans.meetings.selectors import meeting_discussed, meetings_for_detail, meetings_of
from plans.meetings.services import meeting_proposals, meeting_record


@login_required
@perm_required(Perm.VIEW_MUNICIPALITY_RECORDS)
@require_GET
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    meetings = meetings_of(municipality_id=user_municipality_id(request))
    page = Paginator(meetings, 25).get_page(request.GET.get("page"))
    return render(request, "plans/meetings/list.html", {"page": page})


@login_required
@perm_required(Perm.VIEW_MUNICIPALITY_RECORDS)
@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 1 (GET with date and partners): the proposal. Step 2 (POST): save the meeting
    with the youths ticked; the service checks every consent again."""
    municipality = user_municipality(request)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = MeetingStartForm(data, municipality_id=municipality.pk)
    proposal = None
    if form.is_valid():
        partners = list(form.cleaned_data["partners"])
        held_on = form.cleaned_data["held_on"]
        if request.method == "POST":
            try:
                meeting = meeting_record(
                    municipality=municipality,
                    actor=request.user,
                    held_on=held_on,
                    partners=partners,
                    youth_ids=int_list(request.POST.getlist("youth")),
                    agenda=request.POST.get("agenda", "")[:4000],
                )
            except ValidationError as exc:
                errors_apply(form, exc)
            else:
                messages.success(request, _("Nätverksmötet är sparat."))
                return redirect("plans:meeting_detail", pk=meeting.pk)
        proposal = meeting_proposals(municipality=municipality, partners=partners, on=held_on)
        listed(request, [youth for youth, _c in proposal.nameable], what="natverksmote.forslag")
    return render(
        request,
        "plans/meetings/new.html",
        {
            "form": form,
            "proposal": proposal,
            "chosen": set(int_list(request.POST.getlist("youth"))),
            "agenda": request.POST.get("agenda", ""),
        },
    )


@login_required
@perm_required(Perm.VIEW_MUNICIPALITY_RECORDS)
@require_GET
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_in_municipality(request, meetings_for_detail(), pk=pk)
    discussed = list(meeting_discussed(user=request.user, meeting=meeting))
    listed(request, [d.youth_id for d in discussed], what="natverksmote")
    return render(
        request, "plans/meetings/detail.html", {"meeting": meeting, "discussed": discussed}
    )
