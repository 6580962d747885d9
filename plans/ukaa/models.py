"""Extended responsibility after 20 (utökat aktivitetsansvar, UKAA; domain.md §1): the
20th-birthday job proposes it for a youth in an ongoing studies or praktik intervention, and a
coordinator decides. A yes opens a UKAA period (youth.register); the plan carries over only
once a new consent for that period is registered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.access import ScopedQuerySet
from kaa.models import BaseModel
from plans.actionplans.models import ActionPlan
from youth.models import KaaPeriod, ScopedByYouth, Youth


class UkaaOfferQuerySet(ScopedQuerySet["UkaaOffer"]):
    access_scope = ScopedByYouth.access_scope


class UkaaOffer(BaseModel):
    """The question "Erbjuda utökat aktivitetsansvar?" for one KAA period that ended at 20,
    and its answer."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Väntar på beslut")
        OFFERED = "offered", _("Erbjuds")
        NOT_OFFERED = "not_offered", _("Erbjuds inte")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="ukaa_offers")
    kaa_period = models.OneToOneField(
        KaaPeriod,
        on_delete=models.CASCADE,
        related_name="ukaa_offer",
        verbose_name=_("KAA-period"),
    )
    # The plan that closed with the KAA period and the interventions running in it at 20:
    # what carries over once the new consent is registered.
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handlingsplan vid 20 år"),
    )
    intervention_ids = models.JSONField(default=list, editable=False)
    activity = models.CharField(_("pågående aktivitet vid 20 år"), max_length=300)
    status = models.CharField(
        _("beslut"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslutat av"),
    )
    decided_at = models.DateTimeField(_("beslutat"), null=True, blank=True)
    note = models.CharField(_("motivering"), max_length=500, blank=True)
    ukaa_period = models.OneToOneField(
        KaaPeriod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("UKAA-period"),
    )
    continued_plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fortsatt handlingsplan"),
    )
    carried_over_at = models.DateTimeField(_("planen fördes över"), null=True, blank=True)

    objects = UkaaOfferQuerySet.as_manager()

    class Meta:
        ordering = ["-kaa_period__end_date", "-id"]
        verbose_name = _("förslag om utökat aktivitetsansvar")
        verbose_name_plural = _("förslag om utökat aktivitetsansvar")

    def __str__(self) -> str:
        return f"{self.youth_id}: {self.get_status_display()}"

    @property
    def awaits_consent(self) -> bool:
        """Offered, with a plan to carry over that has not been carried over yet."""
        return (
            self.status == self.Status.OFFERED
            and self.plan_id is not None
            and self.carried_over_at is None
        )
