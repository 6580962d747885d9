"""Views of the routine: the versions, a ready-made template, the editor, and moving open
cases to the current version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaa.access import Perm, perm_required, user_municipality
from kaa.types import AuthenticatedHttpRequest
from kaa.versioning import StaleEdit
from outreach.routine import forms, selectors, services
from outreach.routine.models import Routine
from outreach.routine.templates import TEMPLATES


@login_required
@perm_required(Perm.CONFIGURE)
@require_GET
def routine_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        **selectors.routines_of(user=request.user),
        "templates": [(key, t["name"]) for key, t in TEMPLATES.items()],
    }
    return render(request, "outreach/routine/routines.html", context)


@login_required
@perm_required(Perm.CONFIGURE)
@require_POST
def routine_use_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    key = request.POST.get("template", "")
    if key not in TEMPLATES:
        messages.error(request, _("Okänd mall."))
    else:
        routine = services.routine_from_template(
            municipality=user_municipality(request), key=key, actor=request.user
        )
        messages.success(
            request,
            _("%(name)s gäller nu (version %(v)s).")
            % {"name": routine.name, "v": routine.version},
        )
    return redirect("outreach:routines")


@login_required
@perm_required(Perm.CONFIGURE)
@require_http_methods(["GET", "POST"])
def routine_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = (
        Routine.objects.filter(municipality=user_municipality(request), is_current=True)
        .prefetch_related("steps")
        .first()
    )
    initial_steps = [
        {f: getattr(s, f) for f in services.STEP_FIELDS}
        for s in (current.steps.all() if current else [])
    ]
    initial = {
        "name": current.name if current else _("Kontaktrutin"),
        "retry_after_days": current.retry_after_days if current else 30,
        "concern_after_attempts": current.concern_after_attempts if current else 3,
    }
    form = forms.RoutineForm(
        request.POST or None, initial=initial, version=current.version if current else 0
    )  # 0: none yet
    formset = forms.StepFormSet(request.POST or None, initial=initial_steps, prefix="steg")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        steps = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.routine_save_version(
                municipality=user_municipality(request),
                actor=request.user,
                steps=steps,
                **form.cleaned_data,
            )
        except StaleEdit as exc:
            form.stale_apply(exc)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _(
                    "Rutinen är sparad som en ny version. Pågående ärenden "
                    "följer sin version tills du flyttar dem."
                ),
            )
            return redirect("outreach:routines")
    return render(
        request, "outreach/routine/routine_edit.html", {"form": form, "formset": formset}
    )


@login_required
@perm_required(Perm.CONFIGURE)
@require_POST
def routine_migrate(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = Routine.objects.filter(
        municipality=user_municipality(request), is_current=True
    ).first()
    if current is None:
        messages.error(request, _("Det finns ingen gällande rutin."))
    else:
        moved = services.cases_migrate(routine=current, actor=request.user)
        messages.success(
            request,
            _("%(n)s pågående ärenden följer nu version %(v)s.")
            % {"n": moved, "v": current.version},
        )
    return redirect("outreach:routines")
