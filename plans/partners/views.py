"""The partner organisation pages (coordinators configure)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa.access import Perm, perm_required
from plans.common.views import config_edit
from plans.partners.forms import PartnerForm
from plans.partners.models import Partner
from plans.partners.selectors import partners_of


@login_required
@perm_required(Perm.CONFIGURE)
@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    rows = partners_of(municipality_id=request.user.municipality_id)
    return render(request, "plans/partners/list.html", {"partners": rows})


@login_required
@perm_required(Perm.CONFIGURE)
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return config_edit(request, Partner, PartnerForm, pk, "plans:partners", _("Samverkanspart"))
