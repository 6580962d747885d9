"""Consent pages of one youth: recording a consent, reading it, revoking it, registering the
signed paper form (with a scan), the printable form and the scan.

Every view fetches the youth through `youth_get_for_user` (object access, 404 for others)
and then only that youth's rows; every page, PDF or scan showing personal data is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaa.access import Perm, get_for_user, has_perm
from kaa.audit import shown
from kaa.drafts import pop_draft
from kaa.forms import errors_apply
from kaa.lib.pdf import pdf_render
from kaa.types import AuthenticatedHttpRequest
from kaa.uploads import upload_limit
from kaa.versioning import StaleEdit
from plans.common.views import form_page, pdf_response
from plans.consent.forms import ConsentForm, PaperReceivedForm, RevokeForm
from plans.consent.models import Consent
from plans.consent.selectors import consents_for_detail
from plans.consent.services import (
    SCAN_MAX_BYTES,
    consent_paper_received,
    consent_record,
    consent_revoke,
)
from plans.consent.validity import consent_is_valid
from plans.partners.models import PartyKind
from youth.models import Youth
from youth.register.permissions import youth_get_for_user


@login_required
@require_http_methods(["GET", "POST"])
def consent_add(request: AuthenticatedHttpRequest, youth_pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    form = ConsentForm(request.POST or pop_draft(request) or None, youth=youth)
    if request.method == "GET":
        shown(request, youth, what="samtycke.ny")
    if request.method == "POST" and form.is_valid():
        try:
            consent = consent_record(youth=youth, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Samtycket är registrerat. Skriv ut blanketten för "
                    "underskrift om den inte redan är underskriven."
                ),
            )
            return redirect("plans:consent_detail", youth_pk=youth.pk, pk=consent.pk)
    return form_page(
        request,
        youth,
        form,
        _("Registrera samtycke"),
        template="plans/consent/form.html",
        under_18=youth.age_on(timezone.localdate()) < 18,
    )


def _consent_of(request: AuthenticatedHttpRequest, youth: Youth, pk: int) -> Consent:
    return get_for_user(request, consents_for_detail(), youth=youth, pk=pk)


@login_required
@require_GET
def consent_detail(request: AuthenticatedHttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk)
    consent = _consent_of(request, youth, pk)
    shown(request, consent, what="samtycke")
    return render(
        request,
        "plans/consent/detail.html",
        {
            "youth": youth,
            "consent": consent,
            "valid": consent_is_valid(consent, timezone.localdate()),
            "revoke_form": RevokeForm(version=consent.version),
            "paper_form": PaperReceivedForm(version=consent.version),
            "can_edit": has_perm(request.user, Perm.EDIT_RECORDS),
        },
    )


def _consent_action(
    request: AuthenticatedHttpRequest,
    youth_pk: int,
    pk: int,
    form_class: type,
    action: Any,
    success: str,
) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk, write=True)
    consent = _consent_of(request, youth, pk)
    extra = {"user": request.user} if form_class is PaperReceivedForm else {}
    form = form_class(request.POST, request.FILES, version=consent.version, **extra)
    if form.is_valid():
        try:
            action(consent, form.cleaned_data)
        except StaleEdit as exc:
            form.stale_apply(exc)
            if request.FILES.get("scan") and "scan" in form.fields:
                # A browser never fills in a file field again: say so, beside the field.
                form.add_error("scan", _("Filen är inte sparad. Välj den igen om den ska sparas."))
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, success)
            return redirect("plans:consent_detail", youth_pk=youth.pk, pk=consent.pk)
    forms_ctx = {
        "revoke_form": RevokeForm(version=consent.version),
        "paper_form": PaperReceivedForm(version=consent.version),
    }
    forms_ctx["revoke_form" if form_class is RevokeForm else "paper_form"] = form
    return render(
        request,
        "plans/consent/detail.html",
        {
            "youth": youth,
            "consent": consent,
            "can_edit": True,
            "valid": consent_is_valid(consent, timezone.localdate()),
            **forms_ctx,
        },
        status=400,
    )


@login_required
@require_POST
def consent_revoke_view(request: AuthenticatedHttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    def action(consent: Consent, data: dict[str, Any]) -> None:
        consent_revoke(
            consent=consent,
            actor=request.user,
            on=data["on"],
            note=data["note"],
            version=data.get("version"),
        )

    return _consent_action(
        request,
        youth_pk,
        pk,
        RevokeForm,
        action,
        _("Samtycket är återkallat och gäller inte längre."),
    )


@upload_limit(SCAN_MAX_BYTES)
@login_required
@require_POST
def consent_paper(request: AuthenticatedHttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    def action(consent: Consent, data: dict[str, Any]) -> None:
        consent_paper_received(
            consent=consent,
            actor=request.user,
            on=data["on"],
            scan=data.get("scan") or None,
            version=data.get("version"),
        )

    return _consent_action(
        request,
        youth_pk,
        pk,
        PaperReceivedForm,
        action,
        _("Den underskrivna blanketten är registrerad som mottagen."),
    )


@login_required
@require_GET
def consent_pdf(request: AuthenticatedHttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, youth_pk)
    consent = _consent_of(request, youth, pk)
    shown(request, consent, what="samtycke.pdf")
    pdf = pdf_render(
        "plans/consent/pdf.html",
        {
            "youth": youth,
            "consent": consent,
            "parties": _consent_parties(consent),
            "request": request,
        },
    )  # protected identity
    return pdf_response(pdf, f"samtycke-{consent.given_on}.pdf")


def _consent_parties(consent: Consent) -> list[tuple[str, bool, str]]:
    rows = []
    for kind, ticked in consent.party_flags().items():
        detail = ""
        if kind == PartyKind.RELATIVE:
            detail = consent.relative_name
        elif kind == PartyKind.OTHER:
            detail = str(consent.other_partner or consent.other_name)
        rows.append((str(PartyKind(kind).label), ticked, detail))
    return rows


@login_required
@require_GET
def consent_scan(request: AuthenticatedHttpRequest, youth_pk: int, pk: int) -> HttpResponseBase:
    youth = youth_get_for_user(request, youth_pk)
    consent = _consent_of(request, youth, pk)
    if not consent.scan:
        return redirect("plans:consent_detail", youth_pk=youth.pk, pk=consent.pk)
    shown(request, consent, what="samtycke.skanning")
    name = consent.scan.name.rsplit("/", 1)[-1]
    content_type = {"pdf": "application/pdf", "png": "image/png"}.get(
        name.rsplit(".", 1)[-1], "image/jpeg"
    )
    return FileResponse(
        consent.scan.open("rb"), content_type=content_type, as_attachment=True, filename=name
    )
