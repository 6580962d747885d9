"""Mapping conversations (kartläggningssamtal, recorded on the conversation form)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.models import BaseModel
from plans.common.fields import SENSITIVE_HELP
from youth.models import KaaPeriod, OccupationType, ScopedByYouth, Youth


class MappingConversation(BaseModel):
    """Samtalsblankett, the conversation form: several per youth, the latest counts."""

    class SchoolStatus(models.TextChoices):
        EXAM_PREP = "exam_prep", _("Har högskoleförberedande examen")
        EXAM_VOC = "exam_voc", _("Har yrkesexamen")
        STUDYING = "studying", _("Studerar")
        STUDIEBEVIS = "studiebevis", _("Har studiebevis")
        DROPPED_OUT = "dropped_out", _("Har avbrutit studierna")
        GYMNASIEINTYG = "gymnasieintyg", _("Har gymnasieintyg")
        NEVER_STARTED = "never_started", _("Har aldrig påbörjat gymnasiet")

    class StudyAgain(models.TextChoices):
        YES = "yes", _("Ja")
        MAYBE = "maybe", _("Kanske")
        NO = "no", _("Nej")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="conversations")
    period = models.ForeignKey(
        KaaPeriod, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    held_on = models.DateField(_("datum för samtalet"))
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("samtalet hölls av"),
    )
    contact_person = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    school_status = models.CharField(
        _("gymnasiestudier"), max_length=20, choices=SchoolStatus.choices
    )
    school_name = models.CharField(_("skola"), max_length=200, blank=True)
    programme = models.CharField(_("program"), max_length=200, blank=True)
    why_not_in_school = models.TextField(
        _("varför studerar du inte?"), max_length=2000, blank=True, help_text=SENSITIVE_HELP
    )
    what_would_have_helped = models.TextField(
        _("vad hade behövts för att du skulle ha fullföljt?"), max_length=2000, blank=True
    )
    occupation_type = models.ForeignKey(
        OccupationType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("vad gör du i dag?"),
    )
    occupation_description = models.CharField(_("var/vad"), max_length=200, blank=True)
    future_thoughts = models.TextField(_("tankar om framtiden"), max_length=2000, blank=True)
    needs = models.TextField(
        _("vad behöver du för att nå dit?"), max_length=2000, blank=True, help_text=SENSITIVE_HELP
    )
    would_study_again = models.CharField(
        _("kan du tänka dig att studera igen?"),
        max_length=10,
        choices=StudyAgain.choices,
        blank=True,
    )

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("kartläggningssamtal")
        verbose_name_plural = _("kartläggningssamtal")

    def __str__(self) -> str:
        return f"{_('Kartläggningssamtal')} {self.held_on}"
