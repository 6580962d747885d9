"""The partner organisation pages (coordinators configure)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa.access import Perm, perm_required, user_municipality_id
from kaa.types import AuthenticatedHttpRequest
from plans.common.views import config_edit
from plans.partners.forms import PartnerForm
from plans.partners.models import Partner
from plans.partners.selectors import partners_of


@login_required
@perm_required(Perm.CONFIGURE)
@require_GET
def partners(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = partners_of(municipality_id=user_municipality_id(request))
    return render(request, "plans/partners/list.html", {"partners": rows})


@login_required
@perm_required(Perm.CONFIGURE)
@require_http_methods(["GET", "POST"])
def partner_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    return config_edit(request, Partner, PartnerForm, pk, "plans:partners", _("Samverkanspart"))
