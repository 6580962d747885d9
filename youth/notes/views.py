"""Journal notes: add (or correct) and edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaa.access import bulk_for_user, get_for_user
from kaa.audit import audit_event, shown
from kaa.forms import errors_apply
from kaa.lib.params import int_list
from kaa.models import AuditEvent
from kaa.types import AuthenticatedHttpRequest
from youth.notes import forms, services
from youth.notes.models import Note
from youth.register.permissions import youth_get_for_user


@login_required
@require_POST
def note_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, pk, write=True)
    form = forms.NoteForm(request.POST)
    corrects_id = int_list([request.POST.get("corrects", "")])
    corrects = (
        bulk_for_user(request, Note.objects.filter(youth=youth), corrects_id).first()
        if corrects_id
        else None
    )
    if corrects_id and corrects is None:
        # Not a note of this youth that the user may see: nothing is saved (a correction
        # must never turn into a free-standing note, nor attach to another youth's).
        messages.error(
            request,
            _(
                "Anteckningen sparades inte: anteckningen som skulle "
                "rättas finns inte hos den här ungdomen."
            ),
        )
    elif form.is_valid():
        services.note_add(
            youth=youth, author=request.user, text=form.cleaned_data["text"], corrects=corrects
        )
        messages.success(request, _("Anteckningen är sparad."))
    else:
        messages.error(
            request,
            _("Anteckningen sparades inte: %(e)s")
            % {"e": " ".join(str(e) for e in form.errors.get("text", []))},
        )
    return redirect(reverse("youth:detail", kwargs={"pk": youth.pk}) + "#anteckningar")


@login_required
@require_http_methods(["GET", "POST"])
def note_edit_view(request: AuthenticatedHttpRequest, pk: int, note_pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, pk, write=True)
    note = get_for_user(request, Note.objects.all(), write=True, youth=youth, pk=note_pk)
    if note.author_id != request.user.pk:
        audit_event(
            request=request, action=AuditEvent.Action.DENIED, obj=note, detail="not the author"
        )
        messages.error(request, _("Bara den som skrev anteckningen kan ändra den."))
        return redirect("youth:detail", pk=youth.pk)
    form = forms.NoteForm(request.POST or None, initial={"text": note.text})
    if request.method == "GET":
        shown(request, note, what="anteckning")
    if request.method == "POST" and form.is_valid():
        try:
            services.note_edit(note=note, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("Anteckningen är ändrad."))
            return redirect("youth:detail", pk=youth.pk)
    return render(
        request, "youth/form.html", {"form": form, "youth": youth, "title": _("Ändra anteckning")}
    )
