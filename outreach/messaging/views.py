"""Writing an SMS or e-mail from the youth's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kaa.audit import shown
from kaa.forms import errors_apply
from kaa.types import AuthenticatedHttpRequest
from outreach.messaging import services
from outreach.messaging.forms import MessageForm, message_templates
from youth.register.permissions import youth_get_for_user


@login_required
@require_http_methods(["GET", "POST"])
def message_compose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, pk, write=True)
    templates = list(message_templates(youth))
    asked = request.GET.get("mall")
    # The template asked for, else the first SMS template (the form starts from it).
    chosen = next((t for t in templates if str(t.pk) == asked), None) or next(
        (t for t in templates if t.kind == "sms"), None
    )
    # Sent here from a guardian's copy that cannot go by post: the guardian is preselected.
    initial = {"to_guardian": request.GET.get("vardnadshavare") == "1"}
    form = MessageForm(request.POST or None, youth=youth, template=chosen, initial=initial)
    duplicate = False
    if request.method == "GET":
        shown(request, youth, what="meddelande")
    if request.method == "POST" and form.is_valid():
        try:
            services.message_queue(youth=youth, staff=request.user, **form.cleaned_data)
        except ValidationError as exc:
            duplicate = getattr(exc, "code", None) == services.DUPLICATE
            errors_apply(form, exc)
        else:
            messages.success(request, _("Meddelandet är köat och skickas strax."))
            return redirect(reverse("youth:detail", args=[youth.pk]) + "#uppsok")
    return render(
        request,
        "outreach/messaging/message_form.html",
        {
            "form": form,
            "youth": youth,
            "templates": templates,
            "chosen": chosen,
            "duplicate": duplicate,
            "guardian": initial["to_guardian"],
        },
    )
