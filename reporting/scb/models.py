"""The SCB report's workflow and archive.

`ScbReport` is one municipality's report for one half-year: its state and the latest check.
`ScbFile` is every file ever generated for it, archived with who, when, profile, row count
and checksum; `ScbFileEntry` keeps one fingerprint per youth so that a new file shows what
changed since the last submitted one (SCB keeps only the newest upload).
`ScbProfileVerification` records that a coordinator compared a profile with SCB's documents.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.models import Municipality


class ScbReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Inskickad")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    period = models.CharField(_("halvår"), max_length=6)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    checked_at = models.DateTimeField(_("senast kontrollerad"), null=True, blank=True)
    summary = models.JSONField(_("kontrollresultat"), default=dict, blank=True)
    profile_name = models.CharField(max_length=100, blank=True)
    notified_at = models.DateTimeField(_("samordnare aviserade"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("SCB-rapport")
        verbose_name_plural = _("SCB-rapporter")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "period"], name="scb_report_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality.code} {self.period}"

    @property
    def blocking(self) -> int:
        return int(self.summary.get("blocking", 0))

    @property
    def warnings(self) -> int:
        return int(self.summary.get("warnings", 0))


class ScbFile(models.Model):
    class Status(models.TextChoices):
        GENERATED = "generated", _("Skapad")
        SUBMITTED = "submitted", _("Inskickad till SCB")
        SUPERSEDED = "superseded", _("Ersatt")

    report = models.ForeignKey(ScbReport, on_delete=models.PROTECT, related_name="files")
    created_at = models.DateTimeField(_("skapad"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    filename = models.CharField(_("filnamn"), max_length=200)
    content = models.FileField(upload_to="scb/%Y/", max_length=200)
    readable = models.FileField(upload_to="scb/%Y/", max_length=200)
    sha256 = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64)
    size = models.PositiveBigIntegerField(_("storlek"))
    row_count = models.PositiveIntegerField(_("rader"))
    youth_count = models.PositiveIntegerField(_("ungdomar"))
    profile_name = models.CharField(_("exportprofil"), max_length=100)
    profile_version = models.CharField(_("profilversion"), max_length=40)
    profile_checksum = models.CharField(max_length=64)
    profile_verified = models.BooleanField(_("profilen verifierad"), default=False)
    blocking = models.PositiveIntegerField(_("blockerande fel"), default=0)
    warnings = models.PositiveIntegerField(_("varningar"), default=0)
    override_reason = models.CharField(_("skäl att skapa trots fel"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.GENERATED
    )
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    compared_with = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    # The request that asked for this file: a task delivered twice builds it once.
    request_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("SCB-fil")
        verbose_name_plural = _("SCB-filer")

    def __str__(self) -> str:
        return self.filename


class ScbFileEntry(models.Model):
    """One youth in one file: a fingerprint of their rows (no personal data)."""

    file = models.ForeignKey(ScbFile, on_delete=models.CASCADE, related_name="entries")
    youth_id = models.IntegerField()
    digest = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["file", "youth_id"], name="scb_entry_unique_youth")
        ]

    def __str__(self) -> str:
        return f"{self.file_id}:{self.youth_id}"


class ScbProfileVerification(models.Model):
    """A coordinator compared this exact profile file (by checksum) with SCB's documents."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    profile_name = models.CharField(max_length=100)
    checksum = models.CharField(max_length=64)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField()
    note = models.CharField(_("jämförd med"), max_length=300)

    class Meta:
        ordering = ["-verified_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "profile_name", "checksum"],
                name="scb_profile_verified_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile_name} ({self.verified_at:%Y-%m-%d})"
