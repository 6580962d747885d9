"""The register extract (GDPR art. 15) for a coordinator handling a request: ordered on the
youth's Dataskydd page, built as a PDF by a worker (records.register_extract.services),
downloaded from the list on the same page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaa.access import Perm, ScopedQuerySet, get_for_user, perm_required
from kaa.audit import audit_event, shown_fragment
from kaa.lib.http import request_key
from kaa.lib.params import date_param, int_param
from kaa.models import AuditEvent
from kaa.types import AuthenticatedHttpRequest
from records.register_extract.models import RegisterExtract
from records.register_extract.services import EXTRACT_KEEP_DAYS, extract_order
from youth.models import Youth
from youth.register.permissions import youth_get_for_user

POLLS = 40  # times the list asks again while an extract is being made (3 s apart)


@login_required
@perm_required(Perm.VIEW_MUNICIPALITY_RECORDS)
@require_POST
def register_extract(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Order the youth's register extract; the request is recorded as handled."""
    youth = youth_get_for_user(request, pk)
    back = reverse("youth:data_protection", args=[youth.pk]) + "#extract-heading"
    received_on = (
        date_param(request.POST, "mottagen")
        if request.POST.get("mottagen")
        else timezone.localdate()
    )
    if received_on is None or received_on > timezone.localdate():
        messages.error(
            request, _("Ange dagen då begäran kom in (ÅÅÅÅ-MM-DD, inte ett datum i framtiden).")
        )
        return redirect(back)
    key = request_key(request)
    extract_order(
        youth=youth, actor=request.user, received_on=received_on, key=str(key) if key else None
    )
    messages.success(
        request,
        _("Registerutdraget tas fram. Det finns att hämta i listan nedan när det är klart."),
    )
    return redirect(back)


def _extracts(
    request: AuthenticatedHttpRequest, pk: int
) -> tuple[Youth, ScopedQuerySet[RegisterExtract]]:
    youth = youth_get_for_user(request, pk)
    extracts = (
        RegisterExtract.objects.visible_to(request.user)
        .filter(youth=youth)
        .select_related("requested_by", "data_request")
    )
    return youth, extracts


@login_required
@perm_required(Perm.VIEW_MUNICIPALITY_RECORDS)
@require_GET
def extract_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The youth's ordered extracts (a part of the Dataskydd page, refreshed while one is
    being made)."""
    youth, extracts = _extracts(request, pk)
    shown_fragment(request, youth, what="registerutdrag")
    rows = list(extracts[:20])
    asked = int_param(request.GET, "n", 0)
    pending = any(e.built_at is None and e.failed_at is None for e in rows)
    # Asks again every 3 s for two minutes at most: an open page must not keep the session
    # alive for ever (each answer counts as activity) if the workers are down.
    return render(
        request,
        "records/register_extract/list.html",
        {
            "youth": youth,
            "extracts": rows,
            "keep_days": EXTRACT_KEEP_DAYS,
            "pending": pending and asked < POLLS,
            "waited": pending and asked >= POLLS,
            "done": not pending and asked > 0,
            "next": asked + 1,
        },
    )


@login_required
@perm_required(Perm.VIEW_MUNICIPALITY_RECORDS)
@require_GET
def extract_download(request: AuthenticatedHttpRequest, pk: int, extract_pk: int) -> FileResponse:
    youth, extracts = _extracts(request, pk)
    extract = get_for_user(request, extracts, pk=extract_pk)
    if not extract.file:  # not made yet, or deleted after its days: gone, not refused
        raise Http404
    audit_event(
        request=request,
        action=AuditEvent.Action.EXPORT,
        obj=youth,
        detail="registerutdrag",
        flagged=youth.protected_identity,
    )
    return FileResponse(
        extract.file.open("rb"),
        as_attachment=True,
        filename=f"registerutdrag-{youth.pk}.pdf",
        content_type="application/pdf",
    )
