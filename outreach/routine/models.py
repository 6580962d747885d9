"""The contact routine as versioned data: a municipality's routine and its steps."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaa.models import BaseModel, Municipality
from outreach.calendar import Unit, offset_display
from outreach.queue.models import Channel


class Routine(BaseModel):
    """One version of a municipality's contact routine. Editing makes a new version; open
    cases keep the version they started with until a coordinator migrates them."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="routines", verbose_name=_("kommun")
    )
    name = models.CharField(_("namn"), max_length=100)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("gällande"), default=False)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retry_after_days = models.PositiveIntegerField(
        _("nytt försök efter (dagar)"),
        default=30,
        help_text=_(
            "När rutinen är slut utan kontakt förlängs uppsökandet till ett nytt "
            "försök efter så här många dagar."
        ),
    )
    concern_after_attempts = models.PositiveSmallIntegerField(
        _("överväg orosanmälan efter antal försök (under 18)"),
        default=3,
        help_text=_("0 stänger av. Gäller ungdomar under 18 som inte nåtts."),
    )

    class Meta:
        ordering = ["municipality", "-version"]
        verbose_name = _("kontaktrutin")
        verbose_name_plural = _("kontaktrutiner")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(is_current=True),
                name="routine_one_current_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Anchor(models.TextChoices):
    REGISTRATION = "registration", _("registreringsdatum")
    PREVIOUS = "previous", _("föregående steg")


class RoutineStep(models.Model):
    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("ordning"))
    title = models.CharField(_("steg"), max_length=100)
    channel = models.CharField(_("kanal"), max_length=20, choices=Channel.choices)
    instructions = models.CharField(_("vad som ska göras"), max_length=300, blank=True)
    offset_value = models.PositiveSmallIntegerField(_("frist"), default=0)
    offset_unit = models.CharField(
        _("enhet"), max_length=20, choices=Unit.choices, default=Unit.DAYS
    )
    anchor = models.CharField(
        _("räknat från"), max_length=20, choices=Anchor.choices, default=Anchor.REGISTRATION
    )
    requires_phone = models.BooleanField(_("bara om telefonnummer finns"), default=False)
    only_if_not_reached = models.BooleanField(_("bara om ungdomen inte är nådd"), default=True)
    guardian_if_under_18 = models.BooleanField(
        _("även till vårdnadshavare under 18"), default=False
    )
    only_under_18 = models.BooleanField(_("bara under 18 år"), default=False)
    min_failed_attempts = models.PositiveSmallIntegerField(
        _("efter minst antal misslyckade försök"), default=0
    )
    two_staff = models.BooleanField(_("två personal"), default=False)

    class Meta:
        ordering = ["routine", "order"]
        constraints = [
            models.UniqueConstraint(fields=["routine", "order"], name="step_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def offset_display(self) -> str:
        return offset_display(self.offset_value, self.offset_unit)


class DeadlineMark(models.Model):
    """A youth whose facts changed since the deadline job last looked: the incremental run
    (outreach.routine.engine.deadlines_refresh_marked) reconciles the youth's cases and
    removes the mark. Set by PostgreSQL triggers in the same transaction as the change
    (migration 0014, docs/adr/0008-deadline-job-marks.md); `seq` is new on every change, so a
    run removes only the marks it read and a change made during the run stays marked.

    Holds no personal data but the youth's id, and no foreign key: a mark outlives nothing
    (the next run removes the marks of youths that are gone)."""

    youth_id = models.BigIntegerField(primary_key=True)
    seq = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.youth_id}@{self.seq}"
