"""An uploaded register list waiting to be applied."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kaa.models import Municipality
from youth.register.models import ColumnMapping, Reason


class ImportBatch(models.Model):
    """An uploaded register list: its rows as read once at upload (`rows`, header first),
    kept until it is applied or discarded. `content` held the file itself before the rows were
    kept; it stays empty now."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    rows = models.JSONField(null=True, blank=True)
    # The reason for rows that give none (empty: every row gives its own).
    reason = models.ForeignKey(
        Reason, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The file lists only some youths: nobody missing from it is offered for deregistration.
    partial = models.BooleanField(default=False)
    start_date = models.DateField()
    mapping = models.ForeignKey(
        ColumnMapping, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.CharField(max_length=600, blank=True)  # what the import did, in words

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.uploaded_at:%Y-%m-%d %H:%M})"
