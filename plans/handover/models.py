"""A hand-over package: the record of what was handed about a youth, to whom, when, on which
consent, and the PDF that was handed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.models import BaseModel
from plans.actionplans.models import ActionPlan
from plans.consent.models import Consent
from plans.partners.models import Partner, PartyKind
from youth.models import ScopedByYouth, Youth


class HandOverPart(models.TextChoices):
    """The parts a package may hold; the youth agrees to each one."""

    CONTACT = "contact", _("Kontaktuppgifter")
    PLAN = "plan", _("Aktuell handlingsplan")
    INTERVENTIONS = "interventions", _("Insatser")


class HandOver(BaseModel):
    """Överlämning till en samverkanspart: only to a party the youth's valid consent covers,
    only the parts the youth agreed to. The stored PDF is exactly what was handed."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="hand_overs")
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="+", verbose_name=_("samtycke")
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("samverkanspart"),
    )
    party_kind = models.CharField(_("typ av part"), max_length=20, choices=PartyKind.choices)
    recipient = models.CharField(_("mottagare"), max_length=200, blank=True)
    parts = models.JSONField(_("delar"), default=list)
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handlingsplan"),
    )
    youth_agreed = models.BooleanField(_("ungdomen har godkänt innehållet"), default=False)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("överlämnat av"),
    )
    handed_at = models.DateTimeField(_("överlämnat"))
    pdf = models.FileField(_("överlämningspaket"), upload_to="overlamningar/%Y/", blank=True)

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["-handed_at", "-id"]
        verbose_name = _("överlämning")
        verbose_name_plural = _("överlämningar")

    def __str__(self) -> str:
        return f"{_('Överlämning')} {self.handed_at:%Y-%m-%d}: {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        if self.partner_id is not None:
            return str(self.partner)
        label = str(PartyKind(self.party_kind).label)
        return f"{label}: {self.recipient}" if self.recipient else label

    def part_labels(self) -> list[str]:
        return [str(HandOverPart(p).label) for p in HandOverPart.values if p in self.parts]

    def get_parts_display(self) -> str:
        return ", ".join(self.part_labels())
