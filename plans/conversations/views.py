"""Mapping conversation pages of one youth: recording one, reading one.

Every view fetches the youth through `youth_get_for_user` (object access, 404 for others)
and then only that youth's rows; every page showing personal data is audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa.audit import get_for_display, shown
from kaa.drafts import pop_draft
from kaa.forms import errors_apply
from kaa.types import AuthenticatedHttpRequest
from plans.common.views import form_page
from plans.conversations.forms import ConversationForm
from plans.conversations.selectors import conversations_for_detail
from plans.conversations.services import conversation_record
from youth.register.permissions import youth_get_for_user


@login_required
@require_http_methods(["GET", "POST"])
def conversation_add(request: AuthenticatedHttpRequest, youth_pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    form = ConversationForm(request.POST or pop_draft(request) or None, user=request.user)
    if request.method == "GET":
        shown(request, youth, what="kartlaggning.ny")
    if request.method == "POST" and form.is_valid():
        try:
            conversation_record(youth=youth, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Kartläggningssamtalet är sparat."))
            return redirect(reverse("youth:detail", args=[youth.pk]) + "#planer")
    return form_page(request, youth, form, _("Kartläggningssamtal"))


@login_required
@require_GET
def conversation_detail(request: AuthenticatedHttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk)
    conversation = get_for_display(
        request, conversations_for_detail(), what="kartlaggning", youth=youth, pk=pk
    )
    return render(request, "plans/conversations/detail.html", {"youth": youth, "c": conversation})
