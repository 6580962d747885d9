"""The SCB report's workflow and archive (issue #7).

`ScbReport` is one municipality's report for one half-year: its state and the latest check.
`ScbFile` is every file ever generated for it, archived with who, when, profile, row count
and checksum; `ScbFileEntry` keeps one fingerprint per youth so that a new file shows what
changed since the last submitted one (SCB keeps only the newest upload).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.models import Municipality
from youth.models import ScopedByYouth


class ScbReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Inskickad")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("kommun"))
    period = models.CharField(_("halvår"), max_length=6)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    checked_at = models.DateTimeField(_("senast kontrollerad"), null=True, blank=True)
    summary = models.JSONField(_("kontrollresultat"), default=dict, blank=True)
    profile_name = models.CharField(max_length=100, blank=True)
    notified_at = models.DateTimeField(_("samordnare aviserade"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("SCB-rapport")
        verbose_name_plural = _("SCB-rapporter")
        constraints = [models.UniqueConstraint(fields=["municipality", "period"],
                                               name="scb_report_one_per_period")]

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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("skapad av"))
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
    override_reason = models.CharField(_("skäl att skapa trots fel"), max_length=300,
                                       blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.GENERATED)
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    compared_with = models.ForeignKey("self", on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="+")
    added = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    # The request that asked for this file (issue #11): a task delivered twice builds it once.
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
        constraints = [models.UniqueConstraint(fields=["file", "youth_id"],
                                               name="scb_entry_unique_youth")]

    def __str__(self) -> str:
        return f"{self.file_id}:{self.youth_id}"


class ScbProfileVerification(models.Model):
    """A coordinator compared this exact profile file (by checksum) with SCB's documents."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    profile_name = models.CharField(max_length=100)
    checksum = models.CharField(max_length=64)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    verified_at = models.DateTimeField()
    note = models.CharField(_("jämförd med"), max_length=300)

    class Meta:
        ordering = ["-verified_at"]
        constraints = [models.UniqueConstraint(
            fields=["municipality", "profile_name", "checksum"],
            name="scb_profile_verified_once")]

    def __str__(self) -> str:
        return f"{self.profile_name} ({self.verified_at:%Y-%m-%d})"


class BoardReport(models.Model):
    """A stored statistics report for the board (nämnden): monthly, tertial, half-year or the
    annual evaluation, as PDF and xlsx, with who generated it (or the schedule) and when."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Månadsstatistik")
        TERTIAL = "tertial", _("Tertialrapport")
        HALF_YEAR = "half_year", _("Halvårsrapport")
        ANNUAL = "annual", _("Årlig utvärdering")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("kommun"))
    kind = models.CharField(_("rapport"), max_length=20, choices=Kind.choices)
    start = models.DateField(_("från"))
    end = models.DateField(_("till"))
    label = models.CharField(_("period"), max_length=60)
    team = models.ForeignKey("kaa.Team", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("team"))
    scheduled = models.BooleanField(_("schemalagd"), default=False)
    created_at = models.DateTimeField(_("skapad"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("skapad av"))
    pdf = models.FileField(upload_to="reports/%Y/", max_length=200)
    xlsx = models.FileField(upload_to="reports/%Y/", max_length=200)
    # The request that asked for this report (issue #11): a task delivered twice builds it once.
    request_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("nämndrapport")
        verbose_name_plural = _("nämndrapporter")
        indexes = [models.Index(fields=["municipality", "kind", "start"],
                                name="board_report_lookup")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"


class ContactDay(models.Model):
    """Contacts summed per municipality, day and kind (issue #8 speed): the statistics read
    these for days up to `RollupState.built_through` and count later days live, with the same
    grouping function (reporting.stats.rollup.contact_groups)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    team_id = models.IntegerField(null=True)  # the youth's team when the day was summed
    day = models.DateField()
    channel = models.CharField(max_length=20)
    direction = models.CharField(max_length=5)
    outcome = models.CharField(max_length=20)
    age = models.SmallIntegerField(null=True)
    occupation_id = models.IntegerField(null=True)  # valid on the day, for reached contacts
    led = models.BooleanField()
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["municipality", "day"], name="contact_day_lookup")]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.day} {self.channel} {self.outcome} {self.n}"


class RollupState(models.Model):
    """How far the daily contact sums reach for a municipality."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE,
                                        related_name="+")
    built_through = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.built_through}"


class RecordType(models.TextChoices):
    """The kinds of records a retention (gallring) policy is set for (reporting.retention)."""

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
    record_type = models.CharField(_("slag av uppgifter"), max_length=20,
                                   choices=RecordType.choices)
    months = models.PositiveSmallIntegerField(_("gallras efter (månader)"), null=True,
                                              blank=True)
    decision = models.CharField(_("gallringsbeslut"), max_length=200, blank=True)
    below_minimum = models.BooleanField(_("kortare än KAA:s lägsta tid"), default=False)
    updated_at = models.DateTimeField(_("ändrad"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("ändrad av"))

    class Meta:
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")
        constraints = [models.UniqueConstraint(fields=["municipality", "record_type"],
                                               name="retention_policy_once")]

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
    # set the rules it applies may approve it (reporting.retention.may_approve).
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("föreslagen av"))
    cutoffs = models.JSONField(default=dict)  # record type -> ISO date, under the policy
    items = models.JSONField(default=dict)  # record type -> model label -> [ids]
    counts = models.JSONField(default=dict)  # record type -> number of records
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PROPOSED)
    decided_at = models.DateTimeField(_("beslutad"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("beslutad av"))
    reject_reason = models.CharField(_("skäl"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("genomförd"), null=True, blank=True)
    result = models.JSONField(default=dict)  # record type -> records deleted or anonymised
    error = models.CharField(_("fel"), max_length=100, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("gallring")
        verbose_name_plural = _("gallringar")

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.proposed_at:%Y-%m-%d}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class RegisterExtract(models.Model):
    """A register extract (GDPR art. 15) asked for by a coordinator and built by a worker
    (security.md R-15: a long history takes long to render, never in the web request). The
    PDF is kept for EXTRACT_KEEP_DAYS for download, then deleted; the row, with the request it
    answered, stays as the record that it was made."""

    youth = models.ForeignKey("youth.Youth", on_delete=models.CASCADE, related_name="+")
    data_request = models.ForeignKey("youth.DataRequest", on_delete=models.CASCADE,
                                     related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("beställd av"))
    requested_at = models.DateTimeField(_("beställd"), default=timezone.now)
    # The page's request: a double click or a task delivered twice builds one extract.
    request_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    file = models.FileField(upload_to="registerutdrag/", max_length=200, blank=True)
    built_at = models.DateTimeField(_("klart"), null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("registerutdrag")
        verbose_name_plural = _("registerutdrag")

    def __str__(self) -> str:
        return f"registerutdrag {self.pk}"
