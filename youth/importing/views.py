"""Import of the register list in the UI: upload, preview the diff, confirm."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from kaa.access import Perm, get_in_municipality, perm_required, user_municipality
from kaa.audit import shown_each
from kaa.types import AuthenticatedHttpRequest
from kaa.uploads import upload_limit
from youth.importing.forms import ColumnMappingForm, ImportConfirmForm, ImportUploadForm
from youth.importing.models import ImportBatch
from youth.importing.services import MAX_BYTES, ImportFileError, import_apply, import_plan
from youth.register import services
from youth.register.models import ColumnMapping, KaaPeriod

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@upload_limit(MAX_BYTES)
@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def import_upload_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality = user_municipality(request)
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, municipality=municipality, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # The rows read by the form are kept; the file itself is not stored.
        batch = ImportBatch.objects.create(
            municipality=municipality,
            uploaded_by=request.user,
            uploaded_at=timezone.now(),
            filename=upload.name[:200],
            content=b"",
            rows=form.cleaned_data["rows"],
            reason=form.cleaned_data["reason"],
            partial=form.cleaned_data["scope"] == "partial",
            start_date=form.cleaned_data["start_date"],
            mapping=form.cleaned_data["mapping"],
        )
        return redirect("youth:import_preview", pk=batch.pk)
    mappings = ColumnMapping.objects.filter(
        municipality=municipality, kind=ColumnMapping.Kind.REGISTER
    )
    return render(request, "youth/importing/upload.html", {"form": form, "mappings": mappings})


def _batch_for(request: AuthenticatedHttpRequest, pk: int, *, lock: bool = False) -> ImportBatch:
    batches = ImportBatch.objects.select_related("reason", "mapping", "municipality")
    if lock:
        batches = batches.select_for_update(of=("self",))
    return get_in_municipality(request, batches, pk=pk)


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def import_preview_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _batch_for(request, pk)  # access check (and its audit) outside the transaction
    with transaction.atomic():
        # Locked for the whole confirm: a double submit waits, then finds it applied.
        batch = _batch_for(request, pk, lock=request.method == "POST")
        if batch.applied_at:
            messages.info(request, _("Filen är redan importerad: %(s)s") % {"s": batch.summary})
            return redirect("youth:list")
        if batch.rows is None:  # uploaded before the rows were kept
            messages.error(request, _("Filen behöver laddas upp igen."))
            return redirect("youth:import_upload")
        try:
            plan = import_plan(
                rows=batch.rows,
                municipality=batch.municipality,
                start_date=batch.start_date,
                mapping=batch.mapping.mapping if batch.mapping else None,
                partial=batch.partial,
            )
        except ImportFileError as exc:
            messages.error(request, str(exc))
            return redirect("youth:import_upload")
        form = ImportConfirmForm(
            request.POST if request.method == "POST" else None, missing=plan.missing
        )
        # Rows that give no reason need the one chosen at upload.
        no_reason = plan.without_reason() if batch.reason is None else 0
        if request.method == "POST" and no_reason:
            form.is_valid()
            form.add_error(
                None,
                _(
                    "%(n)s rader saknar registreringsorsak och ingen orsak valdes vid "
                    "uppladdningen. Ladda upp filen igen och välj en orsak."
                )
                % {"n": no_reason},
            )
        elif request.method == "POST" and form.is_valid():
            import_apply(
                plan=plan,
                municipality=batch.municipality,
                reason=batch.reason,
                actor=request.user,
                start_date=batch.start_date,
            )
            closed = _deregister(request, form)
            batch.applied_at, batch.summary = timezone.now(), plan.summary()
            # The register now holds the data; the copy is not kept.
            batch.content, batch.rows = b"", None
            batch.save(update_fields=["applied_at", "summary", "content", "rows"])
            messages.success(
                request,
                _("Importen är klar. %(s)s") % {"s": plan.summary()}
                + " "
                + ngettext(
                    "%(n)s ungdom avregistrerades.", "%(n)s ungdomar avregistrerades.", closed
                )
                % {"n": closed},
            )
            return redirect("youth:list")
    # The preview names youths already in the register: each one shown is a read.
    previewed = {y.pk: y for y in plan.missing} | {y.pk: y for y, _v, _c in plan.updated}
    shown_each(request, list(previewed.values()), what="importgranskning")
    return render(
        request,
        "youth/importing/preview.html",
        {"batch": batch, "plan": plan, "form": form, "no_reason": no_reason},
    )


def _deregister(request: AuthenticatedHttpRequest, form: ImportConfirmForm) -> int:
    closed = 0
    for youth in form.cleaned_data["deregister"]:
        period = KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).first()
        if period is None:
            continue
        try:
            services.period_close(
                period=period,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["deregistration_reason"],
                actor=request.user,
            )
            closed += 1
        except ValidationError as exc:
            messages.warning(request, f"{youth}: {' '.join(exc.messages)}")
    return closed


MAPPING_TITLES: dict[str, StrOrPromise] = {
    ColumnMapping.Kind.REGISTER: _lazy("Ny kolumnmappning för registerlistor"),
    ColumnMapping.Kind.ENROLMENTS: _lazy("Ny kolumnmappning för inskrivningslistor"),
    ColumnMapping.Kind.COMPLETIONS: _lazy("Ny kolumnmappning för examenslistor"),
}
# Where each kind of list is uploaded (and a mapping of that kind is picked).
MAPPING_USED_AT: dict[str, str] = {
    ColumnMapping.Kind.REGISTER: "youth:import_upload",
    ColumnMapping.Kind.ENROLMENTS: "youth:identification:queue",
    ColumnMapping.Kind.COMPLETIONS: "youth:identification:queue",
}


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def mapping_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A saved column mapping for the kind of list in `?typ=` (register lists by default);
    the form carries the kind on when it is sent."""
    kind = request.POST.get("kind") if request.method == "POST" else request.GET.get("typ")
    if kind not in ColumnMapping.Kind.values:
        kind = ColumnMapping.Kind.REGISTER
    form = ColumnMappingForm(
        request.POST or None, municipality=user_municipality(request), kind=kind
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Kolumnmappningen är sparad."))
        return redirect(MAPPING_USED_AT[kind])
    intro = _(
        "Standardformatets rubrikrad: %(header)s. Skriv in den rubrik som er fil har "
        "för varje kolumn; lämna tomt där filen har samma rubrik som standardformatet. "
        "Mappningen väljs sedan när filen laddas upp."
    ) % {"header": form.layout.header}
    return render(
        request,
        "youth/form.html",
        {"form": form, "title": MAPPING_TITLES[kind], "intro": intro},
        status=400 if form.errors else 200,
    )
