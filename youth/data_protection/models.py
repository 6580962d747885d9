"""Requests under the GDPR and how they were answered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from youth.register.models import ScopedByYouth, Youth


class DataRequest(models.Model):
    """A request from the youth (or a guardian) under the GDPR and how it was answered: a
    register extract, a correction, a restriction, an erasure (limited by the archive law),
    an objection. Kept as the municipality's record that the request was handled."""

    class Kind(models.TextChoices):
        EXTRACT = "extract", _("Registerutdrag")
        CORRECTION = "correction", _("Rättelse")
        RESTRICTION = "restriction", _("Begränsning av behandling")
        RESTRICTION_LIFTED = "restriction_lifted", _("Begränsningen hävd")
        ERASURE = "erasure", _("Radering")
        OBJECTION = "objection", _("Invändning")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="data_requests")
    kind = models.CharField(_("begäran"), max_length=20, choices=Kind.choices)
    received_on = models.DateField(_("mottagen"))
    decided_on = models.DateField(_("besvarad"), null=True, blank=True)
    decision = models.TextField(_("svar och skäl"), max_length=3000, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("begäran enligt dataskyddsförordningen")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_on}"
