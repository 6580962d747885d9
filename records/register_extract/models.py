"""The register extracts ordered (GDPR art. 15). The table keeps the name it had in the
reporting app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from youth.models import ScopedByYouth


class RegisterExtract(models.Model):
    """A register extract (GDPR art. 15) asked for by a coordinator and built by a worker (a
    long history takes long to render, so never in the web request). The
    PDF is kept for EXTRACT_KEEP_DAYS for download, then deleted; the row, with the request it
    answered, stays as the record that it was made."""

    youth = models.ForeignKey("youth.Youth", on_delete=models.CASCADE, related_name="+")
    data_request = models.ForeignKey(
        "youth.DataRequest", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beställd av"),
    )
    requested_at = models.DateTimeField(_("beställd"), default=timezone.now)
    # The page's request: a double click or a task delivered twice builds one extract.
    request_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    file = models.FileField(upload_to="registerutdrag/", max_length=200, blank=True)
    built_at = models.DateTimeField(_("klart"), null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedByYouth.as_manager()

    class Meta:
        db_table = "reporting_registerextract"
        ordering = ["-requested_at", "-id"]
        verbose_name = _("registerutdrag")
        verbose_name_plural = _("registerutdrag")

    def __str__(self) -> str:
        return f"registerutdrag {self.pk}"
