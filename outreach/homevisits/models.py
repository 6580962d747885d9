"""A planned home visit and the coordinator on duty who is alerted when one is overdue."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaa.access import Perm, has_perm, scope_q
from kaa.models import Municipality
from youth.models import ScopedByYouth


class HomeVisitQuerySet(ScopedByYouth):
    """Who sees and acts on a visit: the coordinators of the municipality, the two staff who
    make it, and their teams (never another team's coach, even one who sees the youth)."""

    def visible_to(self, user: Any) -> HomeVisitQuerySet:
        if has_perm(user, Perm.VIEW_MUNICIPALITY_RECORDS):
            return self.filter(scope_q(user, self.access_scope))
        if not has_perm(user, Perm.VIEW_RECORDS) or user.municipality_id is None:
            return self.none()
        mine = Q(staff_id=user.pk) | Q(second_staff_id=user.pk)
        if user.team_id:
            mine |= Q(staff__team_id=user.team_id) | Q(second_staff__team_id=user.team_id)
        return self.filter(
            mine,
            youth__municipality_id=user.municipality_id,
            youth__anonymised_at__isnull=True,
            youth__restricted_at__isnull=True,
        )


class HomeVisit(models.Model):
    """A home visit by two staff in a planned time window. The pair check in on arrival and
    out on leaving; not checked out by the end plus KAA_HOME_VISIT_ALERT_MINUTES alerts the
    coordinator on duty and the team, once (alert_sent_at), and after
    KAA_HOME_VISIT_ESCALATE_MINUTES every coordinator of the municipality (escalated_at)."""

    class Place(models.TextChoices):
        HOME = "home", _("Folkbokföringsadressen")
        OTHER = "other", _("Annan överenskommen plats")

    youth = models.ForeignKey("youth.Youth", on_delete=models.CASCADE, related_name="home_visits")
    task = models.ForeignKey(
        "outreach.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("personal"),
    )
    second_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("andra personal"),
    )
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    place = models.CharField(_("plats"), max_length=10, choices=Place.choices)
    place_note = models.CharField(_("var"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_out_at = models.DateTimeField(null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    alert_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("utfall"), max_length=20, blank=True)
    outcome_note = models.CharField(_("kort notering"), max_length=500, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    # The alert messages already delivered (their idempotency keys): a retry after a gateway
    # error sends only what is missing.
    deliveries = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HomeVisitQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("hembesök")
        verbose_name_plural = _("hembesök")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="homevisit_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(staff=models.F("second_staff")), name="homevisit_two_staff"
            ),
        ]
        indexes = [
            models.Index(
                fields=["ends_at"],
                name="homevisit_not_out",
                condition=Q(checked_out_at__isnull=True, cancelled_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.youth_id}: {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def audit_flagged(self) -> bool:
        return self.youth.protected_identity

    @property
    def staff_ids(self) -> set[int]:
        return {self.staff_id, self.second_staff_id}

    @property
    def is_open(self) -> bool:
        return self.cancelled_at is None and self.checked_out_at is None


class HomeVisitDuty(models.Model):
    """Which coordinator of a municipality is on duty for home-visit alarms (set by a
    coordinator). Nobody set: every coordinator of the municipality gets the first alert."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("kommun")
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("samordnare i tjänst"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.coordinator_id}"
