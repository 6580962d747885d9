"""The intervention catalogue pages (coordinators configure)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa.access import Perm, perm_required
from plans.catalogue.forms import InterventionTypeForm
from plans.catalogue.models import InterventionType
from plans.catalogue.selectors import catalogue_of
from plans.catalogue.services import catalogue_ensure
from plans.common.views import config_edit


@login_required
@perm_required(Perm.CONFIGURE)
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    catalogue_ensure(request.user.municipality)
    types = catalogue_of(municipality_id=request.user.municipality_id)
    return render(request, "plans/catalogue/list.html", {"types": types})


@login_required
@perm_required(Perm.CONFIGURE)
@require_http_methods(["GET", "POST"])
def catalogue_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return config_edit(
        request,
        InterventionType,
        InterventionTypeForm,
        pk,
        "plans:catalogue",
        _("Insats i katalogen"),
    )
