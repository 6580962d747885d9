"""Gallring: the municipality's policies, the current proposal to approve or
reject, and the content-free history of earlier runs. Coordinators only (Perm.CONFIGURE)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaa.access import (
    Perm,
    get_in_municipality,
    municipality_q,
    perm_required,
    user_municipality,
    user_municipality_id,
)
from kaa.audit import shown_each
from kaa.forms import errors_apply
from kaa.lib.todo import count_fragment
from kaa.types import AuthenticatedHttpRequest
from records.retention import services as retention
from records.retention.forms import RetentionPolicyForm
from records.retention.models import RecordType, RetentionRun
from youth.models import Youth

YOUTHS_PER_PAGE = 50


@login_required
@require_GET
def todo_counts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start-page fragment: gallring proposals waiting for a coordinator's decision."""
    proposed = RetentionRun.objects.filter(
        municipality_q(request.user), status=RetentionRun.Status.PROPOSED
    )
    return count_fragment(
        request,
        perm=Perm.CONFIGURE,
        count=proposed.count,
        label=lambda n: ngettext(
            "gallringsförslag väntar på beslut", "gallringsförslag väntar på beslut", n
        ),
        url=reverse("records:retention"),
    )


def _forms(
    request: AuthenticatedHttpRequest, policies: dict[str, Any], bound: str | None = None
) -> list[dict[str, Any]]:
    rows = []
    for record_type, rule in retention.RULES.items():
        policy = policies.get(record_type)
        initial = (
            {
                "months": policy.months,
                "decision": policy.decision,
                "below_minimum_ok": policy.below_minimum,
            }
            if policy
            else {}
        )
        data = request.POST if bound == record_type else None
        rows.append(
            {
                "type": record_type,
                "label": RecordType(record_type).label,
                "rule": rule,
                "policy": policy,
                "form": RetentionPolicyForm(data, rule=rule, initial=initial, prefix=record_type),
            }
        )
    return rows


def _open_proposal(request: AuthenticatedHttpRequest) -> Any:
    return RetentionRun.objects.filter(
        municipality_id=user_municipality_id(request), status=RetentionRun.Status.PROPOSED
    )


def _proposal(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    run = _open_proposal(request).select_related("proposed_by").first()
    if run is None:
        return None
    ids = run.items.get(RecordType.YOUTH, {}).get("youth.Youth", [])
    page = Paginator(ids, YOUTHS_PER_PAGE).get_page(request.GET.get("page"))
    youths = list(
        Youth.objects.filter(
            pk__in=list(page.object_list), municipality_id=user_municipality_id(request)
        )
        .annotate(last_end=Max("periods__end_date"))
        .order_by("last_name", "first_name")
    )
    if youths:
        shown_each(request, youths, what="gallringsförslag")
    counts = [
        {"label": RecordType(key).label, "count": value, "cutoff": run.cutoffs.get(key)}
        for key, value in run.counts.items()
    ]
    return {
        "run": run,
        "counts": counts,
        "youths": youths,
        "page": page,
        "may_approve": retention.may_approve(run, request.user),
        "second_person_required": retention.SECOND_PERSON_REQUIRED,
    }


@login_required
@perm_required(Perm.CONFIGURE)
@require_http_methods(["GET", "POST"])
def retention_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    bound = request.POST.get("record_type") if request.method == "POST" else None
    if bound is not None and bound not in retention.RULES:
        bound = None
    policies = retention.policies_of(user_municipality(request))
    rows = _forms(request, policies, bound)
    if bound is not None:
        form = next(row["form"] for row in rows if row["type"] == bound)
        had_proposal = _open_proposal(request).exists()
        if form.is_valid():
            try:
                retention.policy_save(
                    municipality=user_municipality(request),
                    record_type=bound,
                    months=form.cleaned_data["months"],
                    decision=form.cleaned_data["decision"],
                    actor=request.user,
                )
            except ValidationError as exc:
                errors_apply(form, exc)
            else:
                messages.success(
                    request,
                    _("Gallringsregeln för %(t)s är sparad.")
                    % {"t": RecordType(bound).label.lower()},
                )
                if had_proposal:
                    messages.info(
                        request,
                        _(
                            "Det öppna gallringsförslaget byggde på de gamla reglerna och kan "
                            "inte längre godkännas. Ta fram ett nytt förslag när reglerna är "
                            "klara."
                        ),
                    )
                return redirect("records:retention")
    history = (
        RetentionRun.objects.filter(municipality_id=user_municipality_id(request))
        .exclude(status__in=[RetentionRun.Status.PROPOSED, RetentionRun.Status.SUPERSEDED])
        .select_related("decided_by")[:20]
    )
    return render(
        request,
        "records/retention/retention.html",
        {
            "rows": rows,
            "bound": bound,
            "proposal": _proposal(request),
            "youth_blockers": [t.label for t in retention.youth_blockers(policies)],
            "history": [
                {
                    "run": run,
                    "labels": {
                        RecordType(k).label: v for k, v in (run.result or run.counts).items()
                    },
                }
                for run in history
            ],
        },
    )


@login_required
@perm_required(Perm.CONFIGURE)
@require_POST
def retention_propose(request: AuthenticatedHttpRequest) -> HttpResponse:
    run = retention.propose(
        municipality=user_municipality(request), today=timezone.localdate(), actor=request.user
    )
    if run is None:
        messages.info(request, _("Inget är att gallra enligt kommunens gallringsregler."))
    else:
        messages.success(
            request, _("Ett nytt förslag är framtaget. Granska det och godkänn eller avslå.")
        )
    return redirect("records:retention")


@login_required
@perm_required(Perm.CONFIGURE)
@require_POST
def retention_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = get_in_municipality(request, RetentionRun.objects.all(), pk=pk)
    approve = request.POST.get("decision") == "approve"
    reason = request.POST.get("reason", "").strip()
    if not approve and not reason:
        messages.error(request, _("Skriv varför förslaget avslås."))
        return redirect("records:retention")
    if approve and not request.POST.get("reviewed"):
        messages.error(
            request,
            _(
                "Kryssa i att du har granskat förslaget innan du godkänner "
                "det. Gallrade uppgifter går inte att få tillbaka."
            ),
        )
        return redirect("records:retention")
    try:
        retention.decide(
            run=run, actor=request.user, approve=approve, reason=reason, request=request
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _(
                "Gallringen är godkänd och genomförs nu. Resultatet visas "
                "under Genomförda gallringar."
            )
            if approve
            else _("Förslaget är avslaget."),
        )
    return redirect("records:retention")
