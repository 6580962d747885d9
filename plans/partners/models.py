"""The municipality's partner organisations (samverkansparter) and the kinds of party on the
paper consent form."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.models import BaseModel, Municipality


class PartyKind(models.TextChoices):
    """The parties on the paper consent form (samtyckesblankett)."""

    SCHOOL = "school", _("Skola")
    EMPLOYMENT_SERVICE = "af", _("Arbetsförmedlingen")
    LABOUR_MARKET_UNIT = "ame", _("Arbetsmarknadsenheten")
    SOCIAL_SERVICES = "social", _("Socialtjänsten")
    RELATIVE = "relative", _("Förälder eller annan anhörig")
    HEALTHCARE = "health", _("Hälso- och sjukvården")
    OTHER = "other", _("Annan part")


class Partner(BaseModel):
    """A partner organisation (samverkanspart) of the municipality's KAA network."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    name = models.CharField(_("namn"), max_length=150)
    kind = models.CharField(_("typ av part"), max_length=20, choices=PartyKind.choices)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("samverkanspart")
        verbose_name_plural = _("samverkansparter")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="partner_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
