"""The coach's side of the e-service: revoking a youth's code, reviewing an answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaa.access import get_for_user
from kaa.audit import shown
from kaa.types import AuthenticatedHttpRequest
from outreach.eservice import forms, services
from outreach.eservice.models import AccessCode, EserviceSubmission
from youth.register.permissions import youth_get_for_user


@login_required
@require_POST
def eservice_code_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Revoke the youth's e-service code (e.g. a letter reached the wrong person); the
    next letter, postcard or SMS prints the new one."""
    youth = youth_get_for_user(request, pk, write=True)
    code = AccessCode.objects.filter(
        youth=youth, revoked_at__isnull=True, period__end_date__isnull=True
    ).first()
    if code is None:
        messages.error(request, _("Ungdomen har ingen giltig e-tjänstkod att spärra."))
    else:
        new = services.access_code_revoke(code=code, actor=request.user)
        messages.success(
            request,
            _("Koden är spärrad. Den nya koden är %(code)s.")
            % {"code": new.display if new else "–"},
        )
    return redirect(reverse("youth:detail", args=[youth.pk]) + "#uppsok")


@login_required
@require_http_methods(["GET", "POST"])
def eservice_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What the youth sent through the e-service; the coach confirms the occupation."""
    sub = get_for_user(
        request,
        EserviceSubmission.objects.select_related(
            "youth", "occupation", "occupation__type", "reviewed_by"
        ),
        write=request.method == "POST",
        pk=pk,
    )
    youth = youth_get_for_user(request, sub.youth_id, write=request.method == "POST")
    form = forms.EserviceReviewForm(request.POST or None, submission=sub)
    if request.method == "POST" and form.is_valid():
        services.submission_review(
            sub=sub,
            actor=request.user,
            occupation_type=form.cleaned_data.get("occupation_type"),
            confirm=form.cleaned_data.get("confirm", False),
        )
        messages.success(request, _("Svaret är genomgånget."))
        return redirect(reverse("youth:detail", args=[youth.pk]) + "#uppsok")
    if request.method == "GET":
        shown(request, sub, what="e-tjanstsvar")
    return render(
        request, "outreach/eservice/review.html", {"sub": sub, "youth": youth, "form": form}
    )
