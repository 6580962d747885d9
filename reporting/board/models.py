"""The board reports as stored: one PDF and one xlsx per report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.models import Municipality


class BoardReport(models.Model):
    """A stored statistics report for the board (nämnden): monthly, tertial, half-year or the
    annual evaluation, as PDF and xlsx, with who generated it (or the schedule) and when."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Månadsstatistik")
        TERTIAL = "tertial", _("Tertialrapport")
        HALF_YEAR = "half_year", _("Halvårsrapport")
        ANNUAL = "annual", _("Årlig utvärdering")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    kind = models.CharField(_("rapport"), max_length=20, choices=Kind.choices)
    start = models.DateField(_("från"))
    end = models.DateField(_("till"))
    label = models.CharField(_("period"), max_length=60)
    team = models.ForeignKey(
        "kaa.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    scheduled = models.BooleanField(_("schemalagd"), default=False)
    created_at = models.DateTimeField(_("skapad"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    pdf = models.FileField(upload_to="reports/%Y/", max_length=200)
    xlsx = models.FileField(upload_to="reports/%Y/", max_length=200)
    # The request that asked for this report: a task delivered twice builds it once.
    request_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("nämndrapport")
        verbose_name_plural = _("nämndrapporter")
        indexes = [
            models.Index(fields=["municipality", "kind", "start"], name="board_report_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"
