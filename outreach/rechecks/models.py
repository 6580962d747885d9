"""One re-check per ended KAA period and number of months: the destination the period ended
with, when to ask, and the answer (from the coach or from the youth through the e-service)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.access import ScopedQuerySet
from youth.models import ScopedByYouth


class Destination(models.TextChoices):
    STUDYING = "studying", _("Studier")
    WORKING = "working", _("Arbete")


class Answer(models.TextChoices):
    HELD = "held", _("Ja, det håller")
    CHANGED = "changed", _("Nej, gör nu något annat")
    UNREACHED = "unreached", _("Gick inte att nå")


class AnsweredVia(models.TextChoices):
    COACH = "coach", _("Ungdomscoach")
    ESERVICE = "eservice", _("Ungdomen via e-tjänsten")


class OutcomeRecheckQuerySet(ScopedQuerySet["OutcomeRecheck"]):
    access_scope = ScopedByYouth.access_scope


class OutcomeRecheck(models.Model):
    youth = models.ForeignKey(
        "youth.Youth", on_delete=models.CASCADE, related_name="outcome_rechecks"
    )
    period = models.ForeignKey(
        "youth.KaaPeriod", on_delete=models.CASCADE, related_name="outcome_rechecks"
    )
    destination = models.CharField(_("destination"), max_length=20, choices=Destination.choices)
    destination_type = models.ForeignKey(
        "youth.OccupationType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sysselsättning vid avslut"),
    )
    months = models.PositiveSmallIntegerField(_("månader efter avslut"))
    due_date = models.DateField(_("kontrolleras"))
    answer = models.CharField(_("svar"), max_length=20, choices=Answer.choices, blank=True)
    now_type = models.ForeignKey(
        "youth.OccupationType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gör nu"),
    )
    now_description = models.CharField(_("var/vad"), max_length=200, blank=True)
    answered_via = models.CharField(max_length=10, choices=AnsweredVia.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occupation = models.ForeignKey(
        "youth.Occupation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutcomeRecheckQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "months"], name="recheck_one_per_months"),
        ]

    def __str__(self) -> str:
        return f"{self.youth_id}: {self.months} mån"

    @property
    def is_open(self) -> bool:
        return not self.answer and self.cancelled_at is None

    @property
    def held(self) -> bool:
        return self.answer == Answer.HELD
