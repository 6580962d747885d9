"""The municipality's intervention catalogue (insatskatalog).

The SCB report (reporting) reads interventions as measures (åtgärder): `InterventionType.
measure_code` is the stable internal code that the export profile maps to SCB's code.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.models import Municipality


class MeasureCode(models.TextChoices):
    """Internal measure (åtgärd) codes; the SCB export profile maps each to SCB's code."""

    SYV = "SYV", _("Studie- och yrkesvägledning")
    STUDIER = "STUDIER", _("Studier eller studieförberedande insats")
    PRAKTIK = "PRAKTIK", _("Praktik")
    ARBETSMARKNAD = "ARBETSMARKNAD", _("Arbetsmarknadsinsats")
    MOTIVATION = "MOTIVATION", _("Motivations- och samtalsinsats")
    ANNAN = "ANNAN", _("Annan åtgärd")


class InterventionType(models.Model):
    """One entry of the municipality's intervention catalogue (insatskatalog)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    name = models.CharField(_("insats"), max_length=120)
    description = models.CharField(_("beskrivning"), max_length=300, blank=True)
    measure_code = models.CharField(
        _("åtgärdstyp för SCB"),
        max_length=20,
        choices=MeasureCode.choices,
        default=MeasureCode.ANNAN,
        help_text=_("Vilken åtgärdstyp insatsen redovisas som i halvårsrapporten till SCB."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=100)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("insatstyp")
        verbose_name_plural = _("insatskatalog")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="intervention_type_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name
