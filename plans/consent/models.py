"""Consents (samtycke, given on the paper consent form)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.models import BaseModel
from plans.partners.models import Partner, PartyKind
from youth.models import Guardian, KaaPeriod, ScopedByYouth, Youth


class Consent(BaseModel):
    """Samtyckesblankett, the consent form: lifts secrecy towards the ticked parties, only
    during the KAA period it was given in, until revoked or replaced by a new consent."""

    class EndKind(models.TextChoices):
        REVOKED = "revoked", _("Återkallat")
        REPLACED = "replaced", _("Ersatt av nytt samtycke")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="consents")
    # Null only for a preventive plan outside KAA periods (then it ends with that plan).
    period = models.ForeignKey(
        KaaPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("KAA-period"),
    )
    given_on = models.DateField(_("datum"))
    place = models.CharField(_("ort"), max_length=100)
    by_youth = models.BooleanField(_("ungdomen har samtyckt"), default=True)
    guardian = models.ForeignKey(
        Guardian,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vårdnadshavare som samtyckt"),
    )
    school = models.BooleanField(PartyKind.SCHOOL.label, default=False)
    employment_service = models.BooleanField(PartyKind.EMPLOYMENT_SERVICE.label, default=False)
    labour_market_unit = models.BooleanField(PartyKind.LABOUR_MARKET_UNIT.label, default=False)
    social_services = models.BooleanField(PartyKind.SOCIAL_SERVICES.label, default=False)
    healthcare = models.BooleanField(PartyKind.HEALTHCARE.label, default=False)
    relative = models.BooleanField(PartyKind.RELATIVE.label, default=False)
    relative_name = models.CharField(
        _("namn på förälder eller anhörig"), max_length=200, blank=True
    )
    other = models.BooleanField(PartyKind.OTHER.label, default=False)
    other_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("annan part"),
    )
    other_name = models.CharField(_("annan part (namn)"), max_length=200, blank=True)
    paper_received_on = models.DateField(
        _("underskriven blankett mottagen"), null=True, blank=True
    )
    paper_received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scan = models.FileField(_("inskannad blankett"), upload_to="consents/%Y/", blank=True)
    ended_on = models.DateField(_("upphörde"), null=True, blank=True)
    end_kind = models.CharField(max_length=20, choices=EndKind.choices, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_note = models.CharField(_("kommentar"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("samtycke")
        verbose_name_plural = _("samtycken")

    def __str__(self) -> str:
        return f"{_('Samtycke')} {self.given_on}"

    def party_flags(self) -> dict[str, bool]:
        """The ticked parties by PartyKind value."""
        return {
            PartyKind.SCHOOL: self.school,
            PartyKind.EMPLOYMENT_SERVICE: self.employment_service,
            PartyKind.LABOUR_MARKET_UNIT: self.labour_market_unit,
            PartyKind.SOCIAL_SERVICES: self.social_services,
            PartyKind.RELATIVE: self.relative,
            PartyKind.HEALTHCARE: self.healthcare,
            PartyKind.OTHER: self.other,
        }

    def party_labels(self) -> list[str]:
        labels = []
        for kind, ticked in self.party_flags().items():
            if not ticked:
                continue
            label = str(PartyKind(kind).label)
            if kind == PartyKind.RELATIVE and self.relative_name:
                label = f"{label}: {self.relative_name}"
            if kind == PartyKind.OTHER:
                label = f"{label}: {self.other_partner or self.other_name}"
            labels.append(label)
        return labels
