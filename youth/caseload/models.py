"""Who works with the youth: the caseload history behind `Youth.coach` and `Youth.team`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from kaa.models import Team
from youth.register.models import Youth


class Assignment(models.Model):
    """Caseload history: who had the youth, from when to when, assigned by whom."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="assignments")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["youth"],
                condition=Q(ended_at__isnull=True),
                name="assignment_one_current_per_youth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.youth_id} → {self.coach_id} ({self.started_at:%Y-%m-%d})"
