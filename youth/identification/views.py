"""The coordinators' identification page: sources and their freshness, uploads, run now, and
the review queue of proposals with their evidence. Own municipality only (404 otherwise);
every page that shows persons writes its reads to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaa.access import (
    Perm,
    get_in_municipality,
    perm_required,
    user_municipality,
    user_municipality_id,
)
from kaa.audit import listed, shown, shown_each
from kaa.lib.todo import count_fragment
from kaa.types import AuthenticatedHttpRequest
from kaa.uploads import upload_limit
from youth.identification import deliveries, selectors, services
from youth.identification.forms import MAX_BYTES, BulkApproveForm, RejectForm, UploadForm
from youth.identification.models import Proposal, SourceKind
from youth.identification.sources import SourceFileError


@login_required
@require_GET
def todo_counts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start-page fragment: the open proposals waiting for a decision (a count only)."""
    proposals = Proposal.objects.open().filter(municipality_id=user_municipality_id(request))
    return count_fragment(
        request,
        perm=Perm.ASSIGN_CASES,
        count=proposals.count,
        label=lambda n: ngettext(
            "förslag från identifieringen att pröva", "förslag från identifieringen att pröva", n
        ),
        url=reverse("youth:identification:queue"),
    )


def _queue(
    request: AuthenticatedHttpRequest, upload: UploadForm | None = None, status: int = 200
) -> HttpResponse:
    municipality = user_municipality(request)
    proposals = selectors.open_proposals(municipality=municipality)
    shown_each(request, proposals, what="identifiering")
    context: dict[str, Any] = {
        "sources": selectors.sources_state(municipality=municipality),
        "run": selectors.latest_run(municipality=municipality),
        "connections": selectors.ss12000_connections(municipality=municipality),
        "proposals": proposals,
        "limit": selectors.QUEUE_LIMIT,
        "upload": upload or UploadForm(initial={"kind": SourceKind.POPULATION}, user=request.user),
    }
    return render(request, "youth/identification/queue.html", context, status=status)


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET"])
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _queue(request)


@upload_limit(MAX_BYTES)
@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_POST
def source_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _queue(request, form, status=400)
    data, upload = form.cleaned_data, form.cleaned_data["file"]
    common = {
        "municipality": user_municipality(request),
        "stream": upload.file,
        "filename": upload.name,
        "actor": request.user,
    }
    try:
        if data["kind"] == SourceKind.POPULATION:
            delivery = deliveries.population_store(full=form.full, **common)
        elif data["kind"] == SourceKind.ENROLMENT:
            delivery = deliveries.enrolments_store(
                source_name=data["source_name"], mapping=form.columns, **common
            )
        else:
            delivery = deliveries.completions_store(
                source_name=data["source_name"], mapping=form.columns, **common
            )
    except SourceFileError as exc:
        form.add_error("file", str(exc))
        return _queue(request, form, status=400)
    messages.success(
        request,
        _("%(file)s är inläst: %(stored)s rader sparade, %(errors)s rader med fel.")
        % {"file": upload.name, "stored": delivery.rows_stored, "errors": delivery.error_count},
    )
    return redirect("youth:identification:queue")


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_POST
def run_now(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        run = services.run_identification(
            municipality=user_municipality(request), on=timezone.localdate(), actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Körningen är klar: %(new)s nya, %(leaving)s som lämnar, "
                "%(changed)s ändrade, %(unchanged)s oförändrade."
            )
            % {
                "new": run.new,
                "leaving": run.leaving,
                "changed": run.changed,
                "unchanged": run.unchanged,
            },
        )
    return redirect("youth:identification:queue")


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_POST
def proposals_approve(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality = user_municipality(request)
    ids = list(
        Proposal.objects.open().filter(municipality=municipality).values_list("pk", flat=True)
    )
    form = BulkApproveForm(request.POST, ids=ids)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errs in form.errors.values() for m in errs))
        return redirect("youth:identification:queue")
    approved, refused = services.proposals_approve(
        municipality=municipality, ids=form.cleaned_data["proposals"], actor=request.user
    )
    messages.success(request, _("%(n)s förslag godkända.") % {"n": approved})
    for proposal, message in refused:
        messages.warning(request, f"{proposal.first_name} {proposal.last_name}: {message}")
    return redirect("youth:identification:queue")


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def proposal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_in_municipality(request, Proposal.objects.select_related("youth", "run"), pk=pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_reject(
                proposal=proposal,
                actor=request.user,
                rejection=form.cleaned_data["rejection"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Förslaget är avvisat."))
        return redirect("youth:identification:queue")
    shown(request, proposal, what="identifiering:underlag")
    context = {
        "proposal": selectors.proposal_labelled(proposal),
        "form": form,
        "register": selectors.register_side(proposal=proposal),
        "evidence": proposal.evidence,
    }
    return render(
        request, "youth/identification/proposal.html", context, status=400 if form.errors else 200
    )


COVERAGE_TITLES = {
    "malgruppen": _lazy("I målgruppen enligt registren"),
    "registrerade": _lazy("I målgruppen och i KAA-registret"),
    "saknas": _lazy("I målgruppen men inte i KAA-registret"),
    "utanfor": _lazy("I KAA-registret men inte i målgruppen enligt registren"),
}


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET"])
def coverage_list(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """The persons behind one coverage figure (own municipality; the rule on the latest run's
    date over the stored sources), one page at a time; the youths shown are audited."""
    if kind not in selectors.COVERAGE_LISTS:
        raise Http404
    municipality = user_municipality(request)
    coverage = selectors.coverage(municipality=municipality)
    try:
        page = max(int(request.GET.get("sida", "1")), 1)
    except ValueError:
        page = 1
    persons = (
        selectors.coverage_list(
            municipality=municipality, on=coverage.run.on, kind=kind, page=page
        )
        if coverage
        else []
    )
    listed(
        request,
        [p.youth_id for p in persons if p.youth_id],
        what=f"identifiering:tackning:{kind}:{len(persons)}",
    )
    return render(
        request,
        "youth/identification/coverage.html",
        {
            "kind": kind,
            "title": COVERAGE_TITLES[kind],
            "coverage": coverage,
            "persons": persons,
            "page": page,
            "has_next": len(persons) == selectors.COVERAGE_PAGE,
            "lists": COVERAGE_TITLES,
        },
    )
