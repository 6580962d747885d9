"""The youth's page (the case file every sub-domain adds to) and its contact details form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa.access import Perm, has_perm
from kaa.audit import shown
from kaa.forms import errors_apply
from kaa.types import AuthenticatedHttpRequest
from kaa.versioning import StaleEdit
from youth.casefile import forms, selectors
from youth.notes import forms as notes_forms
from youth.register import selectors as register_selectors
from youth.register import services as register_services
from youth.register.permissions import (
    PROTECTED_PLACEHOLDER,
    locating_data_visible,
    youth_for_display,
    youth_get_for_user,
)

PAGE_SIZE = 50


@login_required
@require_GET
def youth_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    youth = youth_for_display(request, pk, what="ungdom")
    timeline = Paginator(register_selectors.timeline_for(youth=youth), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "youth": youth,
        "timeline": timeline,
        "note_form": notes_forms.NoteForm(),
        "age": youth.age_on(timezone.localdate()),
        "can_see_protected": has_perm(request.user, Perm.VIEW_MUNICIPALITY_RECORDS),
        "can_state_reason": has_perm(request.user, Perm.VIEW_PROTECTED),
        "can_assign": has_perm(request.user, Perm.ASSIGN_CASES),
        **selectors.youth_page_data(youth=youth),
    }
    return render(request, "youth/casefile/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def youth_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, pk, write=True)
    hide_locating = not locating_data_visible(request, youth)
    form = forms.YouthContactForm(
        request.POST or None, instance=youth, hide_locating=hide_locating
    )
    if request.method == "GET":
        shown(request, youth, what="kontaktuppgifter")
    if request.method == "POST" and form.is_valid():
        data = {
            name: value
            for name, value in form.to_save().items()
            if name in register_services.CONTACT_FIELDS
        }
        try:
            register_services.youth_contact_update(
                youth=youth, actor=request.user, version=form.submitted_version(), **data
            )
        except StaleEdit as exc:
            form.stale_apply(exc)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Kontaktuppgifterna är sparade."))
            return redirect("youth:detail", pk=youth.pk)
    return render(
        request,
        "youth/form.html",
        {
            "form": form,
            "youth": youth,
            "title": _("Ändra kontaktuppgifter"),
            "intro": PROTECTED_PLACEHOLDER if hide_locating else "",
        },
    )
