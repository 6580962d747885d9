"""View helpers that several sub-domains of plans share: a form page about one youth, a PDF
answer, and editing one entry of a municipality's own list (catalogue, partners)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kaa.access import get_in_municipality, user_municipality_id
from kaa.audit import Action, audit_event
from kaa.types import AuthenticatedHttpRequest
from youth.models import Youth


def form_page(
    request: HttpRequest,
    youth: Youth,
    form: Any,
    title: str,
    *,
    template: str = "plans/common/form.html",
    **extra: Any,
) -> HttpResponse:
    return render(request, template, {"form": form, "youth": youth, "title": title, **extra})


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def config_edit(
    request: AuthenticatedHttpRequest,
    model: type[models.Model],
    form_class: type,
    pk: int | None,
    list_url: str,
    title: str,
) -> HttpResponse:
    """Add (no `pk`) or change one entry of the user's municipality's list; names are unique
    within the municipality."""
    obj = get_in_municipality(request, model._default_manager.all(), pk=pk) if pk else None
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.municipality_id = user_municipality_id(request)
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            form.add_error("name", _("Det finns redan en post med det namnet."))
        else:
            audit_event(
                request=request,
                action=Action.UPDATE if pk else Action.CREATE,
                obj=item,
                detail=",".join(form.changed_data),
            )
            messages.success(request, _("Sparat."))
            return redirect(list_url)
    return render(
        request, "plans/common/config_form.html", {"form": form, "title": title, "back": list_url}
    )
