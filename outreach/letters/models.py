"""Templates with merge fields (letters, postcards, knock cards, SMS, e-mail) and letter
batches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.models import BaseModel, Municipality


class MessageTemplate(BaseModel):
    class Kind(models.TextChoices):
        POSTCARD = "postcard", _("Vykort")
        LETTER = "letter", _("Brev")
        KNOCK_CARD = "knock_card", _("Knackakort")
        TURNING_20 = "turning_20", _("Brev inför 20-årsdagen")
        SMS = "sms", _("Sms")
        EMAIL = "email", _("E-post")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("namn"), max_length=100)
    subject = models.CharField(_("rubrik"), max_length=200, blank=True)
    body = models.TextField(_("text"), max_length=5000)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("mall")
        verbose_name_plural = _("mallar")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "name"], name="template_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class LetterBatch(models.Model):
    """A batch of letters or postcards rendered to one PDF, confirmed as sent afterwards."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="+")
    task_ids = models.JSONField(default=list)
    excluded_protected = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # One key per page shown: a double click or a resubmit makes one batch.
    request_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    def __str__(self) -> str:
        return f"{self.template} ({self.created_at:%Y-%m-%d})"
