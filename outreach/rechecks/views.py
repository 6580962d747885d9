"""The coach's page for one re-check: what the period ended with, and the answer."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kaa.access import get_for_user
from kaa.audit import shown
from kaa.models import User
from outreach.rechecks import forms, services
from outreach.rechecks.models import OutcomeRecheck
from youth.register.permissions import youth_get_for_user


@login_required
@require_http_methods(["GET", "POST"])
def recheck(request: HttpRequest, pk: int) -> HttpResponse:
    write = request.method == "POST"
    item = get_for_user(
        request,
        OutcomeRecheck.objects.select_related(
            "period",
            "period__deregistration_reason",
            "destination_type",
            "now_type",
            "answered_by",
        ),
        write=write,
        pk=pk,
    )
    youth = youth_get_for_user(request, item.youth_id, write=write)
    form = forms.RecheckAnswerForm(request.POST if write and item.is_open else None)
    if write and item.is_open and form.is_valid():
        services.recheck_answer(
            recheck=item,
            actor=cast(User, request.user),
            answer=form.cleaned_data["answer"],
            now_type=form.cleaned_data.get("now_type"),
            description=form.cleaned_data.get("description", ""),
            record_occupation=form.cleaned_data.get("record_occupation", False),
        )
        messages.success(request, _("Återkontrollen är besvarad."))
        return redirect(reverse("youth:detail", args=[youth.pk]))
    if not write:
        shown(request, item, what="aterkontroll")
    return render(
        request, "outreach/rechecks/recheck.html", {"item": item, "youth": youth, "form": form}
    )
