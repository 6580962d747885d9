"""Sample reviews of the access log and their findings. The tables keep the names they had in
the kaa app (the database role's append-only grant names the findings' table)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.models import Municipality

FINDINGS_ARE_APPEND_ONLY = "Findings of a log review are append-only: a new one is a new row."


class AuditSample(models.Model):
    """A sample review of the access log (stickprov): a coordinator draws random
    reads of a period (never their own), checks each had a reason in the work, and records
    findings (AuditSampleFinding, one row each; `findings` holds only what was written before
    they were kept apart). `reviewed_at`/`reviewed_by`: the first review."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("från"))
    period_end = models.DateField(_("till"))
    event_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    findings = models.TextField(_("iakttagelser"), max_length=4000, blank=True)

    class Meta:
        db_table = "kaa_auditsample"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end}"


class AuditSampleFindingQuerySet(models.QuerySet["AuditSampleFinding"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError(FINDINGS_ARE_APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(FINDINGS_ARE_APPEND_ONLY)


class AuditSampleFinding(models.Model):
    """One finding of a sample review, as written: a later finding is a new row, never a
    change of an earlier one (the application's database role may only add them)."""

    sample = models.ForeignKey(AuditSample, on_delete=models.PROTECT, related_name="findings_made")
    text = models.TextField(_("iakttagelser"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = AuditSampleFindingQuerySet.as_manager()

    class Meta:
        db_table = "kaa_auditsamplefinding"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.created_by_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError(FINDINGS_ARE_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(FINDINGS_ARE_APPEND_ONLY)
