"""Views for paper outreach (letter and postcard batches) and message templates."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaa.access import (
    Perm,
    get_in_municipality,
    has_perm,
    perm_required,
    user_municipality,
    user_municipality_id,
)
from kaa.audit import exported_each, listed
from kaa.lib.http import request_key
from kaa.models import AuditEvent
from kaa.types import AuthenticatedHttpRequest
from outreach.letters import merge, selectors, services
from outreach.letters.forms import BatchForm, TemplateForm
from outreach.letters.models import LetterBatch, MessageTemplate
from outreach.letters.pdf import batch_pdf_render
from outreach.queue.selectors import guardian_gap, guardian_gaps_mark
from youth.models import Youth


@login_required
@perm_required(Perm.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def batch_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BatchForm(request.POST or request.GET or None, user=request.user)
    preview = None
    if form.is_valid():
        data = form.cleaned_data
        tasks, held = selectors.batch_candidates(
            user=request.user, channel=data["channel"], until=data["until"]
        )
        preview = {"tasks": guardian_gaps_mark(tasks), "held": held}
        listed(request, [t.youth_id for t in tasks + held], what="utskick")
        if request.method == "POST":
            try:
                batch = services.letter_batch_create(
                    user=request.user, key=request_key(request), **data
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return redirect("outreach:batch_detail", pk=batch.pk)
    return render(
        request,
        "outreach/letters/batch_new.html",
        {"form": form, "preview": preview, "key": uuid.uuid4()},
    )


def _batch_for(request: AuthenticatedHttpRequest, pk: int) -> LetterBatch:
    """A batch of the user's municipality, made by the user (coordinators: any)."""
    batches = LetterBatch.objects.select_related("template")
    if not has_perm(request.user, Perm.VIEW_MUNICIPALITY_RECORDS):
        batches = batches.filter(created_by=request.user)
    return get_in_municipality(request, batches, pk=pk)


@login_required
@perm_required(Perm.EDIT_RECORDS)
@require_GET
def batch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    tasks = guardian_gaps_mark(selectors.batch_tasks(batch, user=request.user))
    held = list(
        Youth.objects.visible_to(request.user)
        .filter(pk__in=batch.excluded_protected)
        .select_related("coach")
    )
    listed(request, [t.youth_id for t in tasks] + [y.pk for y in held], what="utskick")
    return render(
        request,
        "outreach/letters/batch_detail.html",
        {
            "batch": batch,
            "tasks": tasks,
            "held": held,
            "gaps": sum(1 for t in tasks if guardian_gap(t)),
        },
    )


@login_required
@perm_required(Perm.EDIT_RECORDS)
@require_GET
def batch_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    tasks = selectors.batch_tasks(batch, user=request.user)
    content = batch_pdf_render(batch, tasks)
    exported_each(
        request,
        [t.youth for t in tasks],
        action=AuditEvent.Action.PRINT,
        what=f"utskick:{batch.pk}",
    )
    response = HttpResponse(content, content_type="application/pdf")
    name = f"kaa-utskick-{batch.pk}-{timezone.localdate():%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@perm_required(Perm.EDIT_RECORDS)
@require_POST
def batch_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    try:
        done = services.letter_batch_confirm(batch=batch, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s utskick är registrerade som skickade.") % {"n": done})
    return redirect("outreach:batch_detail", pk=batch.pk)


@login_required
@perm_required(Perm.CONFIGURE)
@require_http_methods(["GET", "POST"])
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        made = services.templates_ensure_defaults(
            municipality=user_municipality(request), actor=request.user
        )
        messages.success(request, _("%(n)s standardmallar har lagts till.") % {"n": made})
        return redirect("outreach:templates")
    templates = MessageTemplate.objects.filter(municipality_id=user_municipality_id(request))
    return render(
        request,
        "outreach/letters/templates.html",
        {"templates": templates, "fields": merge.FIELDS},
    )


@login_required
@perm_required(Perm.CONFIGURE)
@require_http_methods(["GET", "POST"])
def template_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    instance = None
    if pk is not None:
        instance = get_in_municipality(request, MessageTemplate.objects.all(), pk=pk)
    form = TemplateForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        template = form.save(commit=False)
        template.municipality = user_municipality(request)
        try:
            services.template_save(template=template, actor=request.user)
        except ValidationError as exc:
            form.add_error("body", exc.messages)
        else:
            messages.success(request, _("Mallen är sparad."))
            return redirect("outreach:templates")
    return render(
        request, "outreach/letters/template_edit.html", {"form": form, "fields": merge.FIELDS}
    )
