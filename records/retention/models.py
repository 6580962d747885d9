"""Gallring's rules and runs: a municipality's policy per kind of record, and each proposal with
its decision and result. The tables keep the names they had in the reporting app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.models import Municipality


class RecordType(models.TextChoices):
    """The kinds of records a retention (gallring) policy is set for (records.retention)."""

    YOUTH = "youth", _("Ungdomens registerpost")
    CONTACTS = "contacts", _("Kontaktförsök och meddelanden")
    NOTES = "notes", _("Anteckningar")
    PLANS = "plans", _("Kartläggningar, handlingsplaner och insatser")
    CONSENTS = "consents", _("Samtycken")
    EXPORTS = "exports", _("Exportfiler och importfiler")
    AUDIT = "audit", _("Loggen över läsningar och ändringar")


class RetentionPolicy(models.Model):
    """How long the municipality keeps one kind of record, as decided in its
    dokumenthanteringsplan (gallringsbeslut). No months = kept (bevaras)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(
        _("slag av uppgifter"), max_length=20, choices=RecordType.choices
    )
    months = models.PositiveSmallIntegerField(_("gallras efter (månader)"), null=True, blank=True)
    decision = models.CharField(_("gallringsbeslut"), max_length=200, blank=True)
    below_minimum = models.BooleanField(_("kortare än KAA:s lägsta tid"), default=False)
    updated_at = models.DateTimeField(_("ändrad"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ändrad av"),
    )

    class Meta:
        db_table = "reporting_retentionpolicy"
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "record_type"], name="retention_policy_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.months or '–'}"


class RetentionRun(models.Model):
    """One gallring: proposed by the weekly job (or a coordinator), approved (or rejected) by
    a coordinator who neither proposed it nor set its rules, then carried out. While proposed
    it holds the ids of what is due; once carried out only the counts remain (the log of a
    deletion keeps none of the deleted data)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Förslag")
        APPROVED = "approved", _("Godkänd, pågår")
        DONE = "done", _("Genomförd")
        REJECTED = "rejected", _("Avslagen")
        SUPERSEDED = "superseded", _("Ersatt av ett nyare förslag")
        FAILED = "failed", _("Misslyckades, inget ändrat")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("föreslagen"))
    # Who asked for the proposal on the page (none: the weekly job). Neither they nor whoever
    # set the rules it applies may approve it (records.retention.services.may_approve).
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("föreslagen av"),
    )
    cutoffs = models.JSONField(default=dict)  # record type -> ISO date, under the policy
    items = models.JSONField(default=dict)  # record type -> model label -> [ids]
    counts = models.JSONField(default=dict)  # record type -> number of records
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    decided_at = models.DateTimeField(_("beslutad"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslutad av"),
    )
    reject_reason = models.CharField(_("skäl"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("genomförd"), null=True, blank=True)
    result = models.JSONField(default=dict)  # record type -> records deleted or anonymised
    error = models.CharField(_("fel"), max_length=100, blank=True)

    class Meta:
        db_table = "reporting_retentionrun"
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("gallring")
        verbose_name_plural = _("gallringar")

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.proposed_at:%Y-%m-%d}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())
