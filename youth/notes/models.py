"""The youth's journal notes and the texts they replaced."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from youth.register.models import ScopedByYouth, Youth


class Note(models.Model):
    """A journal note (anteckning). Its author may edit it for a short while; every earlier
    text is kept as a NoteRevision. Later corrections are new notes that point back."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    text = models.TextField(_("anteckning"), max_length=4000)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("rättar"),
    )

    objects = ScopedByYouth.as_manager()

    # How long the author may still change the text; after that, a correction.
    EDIT_WINDOW = dt.timedelta(minutes=15)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def edit_open(self) -> bool:
        return timezone.now() - self.created_at <= self.EDIT_WINDOW


class NoteRevision(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField()
    replaced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.note_id} @ {self.replaced_at:%Y-%m-%d %H:%M}"
