"""The outreach tab of the youth's page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kaa.audit import shown_fragment
from kaa.types import AuthenticatedHttpRequest
from outreach.homevisits.models import HomeVisit
from outreach.queue.selectors import quick_outcomes_mark
from outreach.youth_tab.selectors import youth_outreach
from youth.register.permissions import youth_get_for_user


@login_required
@require_GET
def youth_tab(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The outreach part of the youth's page (an htmx fragment; also a page of its own)."""
    youth = youth_get_for_user(request, pk)
    shown_fragment(request, youth, what="uppsok")
    context: dict[str, Any] = {
        "youth": youth,
        **youth_outreach(youth=youth),
        "home_visits": HomeVisit.objects.visible_to(request.user)
        .filter(youth=youth)
        .select_related("staff", "second_staff")
        .order_by("-starts_at")[:5],
    }
    quick_outcomes_mark(context["open_tasks"])
    template = (
        "outreach/youth_tab/partials/_youth_tab.html"
        if request.htmx
        else "outreach/youth_tab/youth_tab.html"
    )
    return render(request, template, context)
