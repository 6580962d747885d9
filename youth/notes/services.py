"""Journal notes: add one (or a correction of an earlier one) and, for a short while,
edit one's own; every earlier text is kept."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.models import AuditEvent, User
from youth.notes.models import Note, NoteRevision
from youth.register.models import Youth
from youth.register.services import _audit, timeline_add

Action = AuditEvent.Action


NOTE_EDIT_WINDOW = Note.EDIT_WINDOW


@transaction.atomic
def note_add(*, youth: Youth, author: User, text: str, corrects: Note | None = None) -> Note:
    """Append a journal note (or a correction of an earlier one)."""
    if not text.strip():
        raise ValidationError({"text": _("Skriv något i anteckningen.")})
    if corrects is not None and corrects.youth_id != youth.pk:
        raise ValidationError({"corrects": _("Anteckningen hör till en annan ungdom.")})
    while corrects is not None and corrects.corrects_id is not None:
        corrects = corrects.corrects  # a correction of a correction belongs to the original
    note = Note.objects.create(
        youth=youth, author=author, text=text.strip(), created_at=timezone.now(), corrects=corrects
    )
    _audit(author, Action.CREATE, note)
    timeline_add(youth=youth, kind="note", actor=author, summary=_("Anteckning"))
    return note


@transaction.atomic
def note_edit(*, note: Note, author: User, text: str) -> Note:
    """Only the author, only within the edit window; the old text is kept as a revision."""
    note = Note.objects.select_for_update().get(pk=note.pk)
    if note.author_id != author.pk:
        raise ValidationError(_("Bara den som skrev anteckningen kan ändra den."))
    if timezone.now() - note.created_at > NOTE_EDIT_WINDOW:
        raise ValidationError(
            _("Anteckningen kan inte längre ändras. Skriv en rättelse i stället.")
        )
    if not text.strip():
        raise ValidationError({"text": _("Skriv något i anteckningen.")})
    NoteRevision.objects.create(note=note, text=note.text, replaced_at=timezone.now())
    note.text, note.edited_at = text.strip(), timezone.now()
    note.save(update_fields=["text", "edited_at"])
    _audit(author, Action.UPDATE, note, ["text"])
    return note
