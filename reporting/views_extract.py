"""The register extract (GDPR art. 15) as a PDF, for a coordinator handling a request."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaa.access import Perm, perm_required
from kaa.audit import audit_event
from kaa.lib.pdf import pdf_render
from kaa.models import AuditEvent
from reporting.extract import extract_context
from youth import services as youth_services
from youth.permissions import youth_get_for_user


@login_required
@perm_required(Perm.VIEW_MUNICIPALITY_RECORDS)
@require_POST
def register_extract(request: HttpRequest, pk: int) -> HttpResponse:
    """The youth's register extract as a PDF (coordinators); the extract is recorded as a
    handled request and as an export in the audit log."""
    youth = youth_get_for_user(request, pk)
    received = request.POST.get("mottagen", "")
    try:
        received_on = dt.date.fromisoformat(received) if received else timezone.localdate()
    except ValueError:
        received_on = None
    if received_on is None or received_on > timezone.localdate():
        messages.error(request, _("Ange dagen då begäran kom in (ÅÅÅÅ-MM-DD, inte ett datum "
                                  "i framtiden)."))
        return redirect(reverse("youth:data_protection", args=[youth.pk]) + "#extract-heading")
    pdf = pdf_render("pdf/register_extract.html", extract_context(youth))
    youth_services.extract_recorded(youth=youth, actor=request.user, received_on=received_on)
    audit_event(request=request, action=AuditEvent.Action.EXPORT, obj=youth,
                detail="registerutdrag", flagged=youth.protected_identity)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="registerutdrag-{youth.pk}.pdf"'
    return response
