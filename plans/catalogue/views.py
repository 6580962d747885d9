"""The intervention catalogue pages (coordinators configure)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa.access import Perm, perm_required, user_municipality, user_municipality_id
from kaa.types import AuthenticatedHttpRequest
from plans.catalogue.forms import InterventionTypeForm
from plans.catalogue.models import InterventionType
from plans.catalogue.selectors import catalogue_of
from plans.catalogue.services import catalogue_ensure
from plans.common.views import config_edit


@login_required
@perm_required(Perm.CONFIGURE)
@require_GET
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    catalogue_ensure(user_municipality(request))
    types = catalogue_of(municipality_id=user_municipality_id(request))
    return render(request, "plans/catalogue/list.html", {"types": types})


@login_required
@perm_required(Perm.CONFIGURE)
@require_http_methods(["GET", "POST"])
def catalogue_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    return config_edit(
        request,
        InterventionType,
        InterventionTypeForm,
        pk,
        "plans:catalogue",
        _("Insats i katalogen"),
    )
