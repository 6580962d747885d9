"""The plans part of the youth's page (an htmx fragment; also a page of its own)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kaa.access import Perm, has_perm
from kaa.audit import shown_fragment
from kaa.types import AuthenticatedHttpRequest
from plans.youth_tab.selectors import youth_tab_context
from youth.register.permissions import youth_get_for_user


@login_required
@require_GET
def youth_tab(request: AuthenticatedHttpRequest, youth_pk: int) -> HttpResponse:
    """The plans part of the youth's page (an htmx fragment; also a page of its own)."""
    youth = youth_get_for_user(request, youth_pk)
    shown_fragment(request, youth, what="planer")
    context = youth_tab_context(youth=youth)
    context["can_edit"] = has_perm(request.user, Perm.EDIT_RECORDS)
    context["can_decide"] = has_perm(request.user, Perm.ASSIGN_CASES)
    template = "plans/youth_tab/_tab.html" if request.htmx else "plans/youth_tab/page.html"
    return render(request, template, context)
