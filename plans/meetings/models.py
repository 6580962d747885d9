"""Network meetings (KAA-nätverket) and the youths discussed by name in them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.models import BaseModel, Municipality
from plans.consent.models import Consent
from plans.partners.models import Partner
from youth.models import ScopedByYouth, Youth


class NetworkMeeting(BaseModel):
    """KAA-nätverket (every 6 weeks): partners present, youths discussed by name only with a
    consent covering every partner present; the others only as counts."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("datum"))
    partners = models.ManyToManyField(
        Partner, related_name="meetings", verbose_name=_("deltagande samverkansparter")
    )
    agenda = models.TextField(
        _("övergripande anteckningar"),
        max_length=4000,
        blank=True,
        help_text=_(
            "Inga personuppgifter här: ungdomar som diskuteras med namn registreras nedan."
        ),
    )
    not_reached_count = models.PositiveIntegerField(_("ej nådda (antal)"), default=0)
    without_occupation_count = models.PositiveIntegerField(
        _("utan sysselsättning (antal)"), default=0
    )
    youths: models.ManyToManyField[Youth, MeetingYouth] = models.ManyToManyField(
        Youth, through="MeetingYouth", related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("nätverksmöte")
        verbose_name_plural = _("nätverksmöten")

    def __str__(self) -> str:
        return f"{_('Nätverksmöte')} {self.held_on}"


class MeetingYouth(models.Model):
    meeting = models.ForeignKey(NetworkMeeting, on_delete=models.CASCADE, related_name="discussed")
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")

    objects = ScopedByYouth.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "youth"], name="meeting_youth_unique")
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.youth_id}"
