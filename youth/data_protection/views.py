"""The youth's GDPR page (coordinators) and the reason step before a youth with protected
identity is opened."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kaa.access import Perm, get_for_user, perm_required, refuse, require
from kaa.audit import shown
from kaa.forms import errors_apply
from kaa.lib.http import safe_next
from kaa.types import AuthenticatedHttpRequest
from youth.data_protection import forms, services
from youth.data_protection.models import DataRequest
from youth.register.models import FieldChange, Youth
from youth.register.permissions import reason_grant, youth_get_for_user


@login_required
@perm_required(Perm.VIEW_MUNICIPALITY_RECORDS)
@require_http_methods(["GET", "POST"])
def data_protection_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The youth's rights under the GDPR (coordinators): register extract, restriction of
    processing, requests for erasure and how they were answered."""
    youth = youth_get_for_user(request, pk)
    action = request.POST.get("action", "")
    restrict = forms.RestrictionForm(request.POST if action == "restrict" else None, prefix="r")
    lift = forms.LiftForm(request.POST if action == "lift" else None, prefix="l")
    erasure = forms.ErasureForm(request.POST if action == "erasure" else None, prefix="e")
    chosen = {"restrict": restrict, "lift": lift, "erasure": erasure}.get(action)
    if request.method == "POST":
        require(request, Perm.EDIT_RECORDS)
        if chosen is None:
            refuse(request, detail="action")
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
        shown(request, youth, what="dataskydd")
    return render(
        request,
        "youth/data_protection/data_protection.html",
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
def protected_reason_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Before a youth with protected identity is opened: the reason, flagged in the log. The
    page names nobody; a user who may not see the youth gets 404 as anywhere else."""
    youth = get_for_user(request, Youth.objects.all(), pk=pk)
    form = forms.ReasonForm(request.POST or None)
    target = safe_next(request, reverse("youth:detail", args=[youth.pk]))
    if request.method == "POST" and form.is_valid():
        reason_grant(request, youth.pk)
        shown(
            request,
            youth,
            flagged=True,
            what=f"skyddad identitet, skäl: {form.as_text()}"[:200],
        )
        return redirect(target)
    return render(request, "youth/data_protection/reason.html", {"form": form, "next": target})
