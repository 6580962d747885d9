"""Hand-over pages of one youth: making a package, reading its record, downloading its PDF.

Every view fetches the youth through `youth_get_for_user` (object access, 404 for others;
writes refused for read-only roles and frozen records) and then only that youth's rows; the
record and its PDF are audited as reads.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa.access import get_for_user
from kaa.audit import shown
from kaa.forms import errors_apply
from kaa.models import User
from plans.consent.validity import consent_current
from plans.handover.forms import HandOverForm
from plans.handover.models import HandOver
from plans.handover.selectors import hand_overs_for_detail
from plans.handover.services import active_plan, hand_over_make
from youth.models import Youth
from youth.register.permissions import youth_get_for_user


@login_required
@require_http_methods(["GET", "POST"])
def hand_over_new(request: HttpRequest, youth_pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    shown(request, youth, what="overlamning.ny")
    consent = consent_current(youth, timezone.localdate())
    form = HandOverForm(request.POST or None, youth=youth, consent=consent)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                hand_over = hand_over_make(
                    youth=youth, actor=cast(User, request.user), **form.cleaned_data
                )
            except ValidationError as exc:
                errors_apply(form, exc)
            else:
                messages.success(
                    request,
                    _("Överlämningen är sparad. Hämta paketet och lämna det till mottagaren."),
                )
                return redirect("plans:handover_detail", youth_pk=youth.pk, pk=hand_over.pk)
        status = 400
    return render(
        request,
        "plans/handover/form.html",
        {
            "youth": youth,
            "form": form,
            "consent": consent,
            "active_plan": active_plan(youth),
            "title": _("Nytt överlämningspaket"),
        },
        status=status,
    )


def _hand_over_of(request: HttpRequest, youth: Youth, pk: int) -> HandOver:
    return cast(HandOver, get_for_user(request, hand_overs_for_detail(), youth=youth, pk=pk))


@login_required
@require_GET
def hand_over_detail(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk)
    hand_over = _hand_over_of(request, youth, pk)
    shown(request, hand_over, what="overlamning")
    return render(request, "plans/handover/detail.html", {"youth": youth, "hand_over": hand_over})


@login_required
@require_GET
def hand_over_pdf(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponseBase:
    youth = youth_get_for_user(request, youth_pk)
    hand_over = _hand_over_of(request, youth, pk)
    if not hand_over.pdf:
        return redirect("plans:handover_detail", youth_pk=youth.pk, pk=hand_over.pk)
    shown(request, hand_over, what="overlamning.pdf")
    return FileResponse(
        hand_over.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"overlamning-{timezone.localtime(hand_over.handed_at):%Y-%m-%d}.pdf",
    )
