"""Identification: the municipality's own copy of the registers (population, enrolments,
completions), each delivery kept, and the runs that compare the rule's answer with the
register as proposals a coordinator approves or rejects.

The models live in the `youth` app (imported by youth/models.py), so their migrations are
youth's. Tables keep the `youth_` prefix Django gives them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaa.models import Municipality

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class SourceKind(models.TextChoices):
    POPULATION = "population", _("Folkbokföring")
    ENROLMENT = "enrolment", _("Inskrivningar")
    COMPLETION = "completion", _("Examina")


class Source(models.Model):
    """One named source of one municipality: its Navet population store, a school
    organiser's enrolment list, an SS 12000 connection, a list of completions."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    kind = models.CharField(_("typ"), max_length=20, choices=SourceKind.choices)
    name = models.CharField(_("namn"), max_length=100)
    # How often a delivery is expected; older than this and the page warns.
    cadence_days = models.PositiveSmallIntegerField(_("förväntas var N:e dag"), default=7)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("källa")
        verbose_name_plural = _("källor")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "name"], name="ident_source_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class SourceDelivery(models.Model):
    """One file or pull that was read and stored (an unreadable one leaves no row)."""

    class Format(models.TextChoices):
        NAVET_FULL = "navet_full", _("Navet grunduttag")
        NAVET_CHANGES = "navet_changes", _("Navet ändringsavisering")
        POPULATION_CSV = "population_csv", _("Folkbokföring CSV")
        ENROLMENT_LIST = "enrolment_list", _("Inskrivningslista")
        SS12000_FILE = "ss12000_file", _("SS 12000 som fil")
        SS12000_PULL = "ss12000_pull", _("SS 12000 hämtning")
        COMPLETION_LIST = "completion_list", _("Examenslista")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="deliveries")
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    filename = models.CharField(_("fil"), max_length=200, blank=True)
    arrived_at = models.DateTimeField(_("mottagen"))
    arrived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("av"),
    )
    effective_date = models.DateField(_("gäller från"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("rader"), default=0)
    rows_stored = models.PositiveIntegerField(_("sparade"), default=0)
    # [{"row": 12, "message": "..."}] (row number, or the position of the XML element)
    errors = models.JSONField(_("radfel"), default=list)
    error_count = models.PositiveIntegerField(_("antal radfel"), default=0)

    class Meta:
        ordering = ["-arrived_at", "-id"]
        verbose_name = _("leverans")
        verbose_name_plural = _("leveranser")
        indexes = [models.Index(fields=["source", "-arrived_at"], name="ident_delivery_latest")]

    def __str__(self) -> str:
        return f"{self.source} {self.arrived_at:%Y-%m-%d %H:%M}"


class PopulationRecord(models.Model):
    """The current record of one person in a municipality's population store. A full
    extract replaces the store; a change notice replaces the records it carries."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    personnummer = models.CharField(max_length=12)
    birth_date = models.DateField()
    is_coordination_number = models.BooleanField(default=False)
    # Derived from the birth date when stored, so that SQL and Python read the same dates.
    past_compulsory_on = models.DateField()  # 1 July of the year of the 16th birthday
    turns_20_on = models.DateField()
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    municipality_code = models.CharField(max_length=4, blank=True)  # LanKod + KommunKod
    registered_on = models.DateField(null=True, blank=True)  # folkbokföringsdatum
    secrecy = models.BooleanField(default=False)  # sekretessmarkering
    # Skyddade personuppgifter: skyddad folkbokföring or a sekretessmarkering. A marking does
    # not say which data is sensitive, so either one flags the youth and withholds the address.
    protected = models.BooleanField(default=False)
    deregistration_code = models.CharField(max_length=2, blank=True)
    deregistration_date = models.DateField(null=True, blank=True)
    referral_personnummer = models.CharField(max_length=12, blank=True)  # HanvisningsPersonNr
    # Never filled for a protected identity.
    address = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=100, blank=True)
    guardians = models.JSONField(default=list)  # [{"personnummer": "...", "name": "..."}]
    delivery = models.ForeignKey(SourceDelivery, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()  # row number or XML element position

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "personnummer"], name="ident_population_unique_person"
            )
        ]
        indexes = [
            models.Index(
                fields=["referral_personnummer"],
                condition=~Q(referral_personnummer=""),
                name="ident_population_referral",
            )
        ]

    def __str__(self) -> str:
        return self.personnummer


class EnrolmentRecord(models.Model):
    """One enrolment in the current snapshot of an enrolment source."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    delivery = models.ForeignKey(SourceDelivery, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    personnummer = models.CharField(max_length=12, db_index=True)
    school_unit = models.CharField(max_length=100, blank=True)
    school_type = models.CharField(max_length=10)  # SS 12000 code: GR, GY, GYS, KOMVUX, ...
    programme = models.CharField(max_length=40, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.personnummer} {self.school_type} {self.start_date}"


class CompletionRecord(models.Model):
    """One completion (examen, bevis) in the current snapshot of a completion source."""

    class Kind(models.TextChoices):
        GYMNASIEEXAMEN = "gymnasieexamen", _("Gymnasieexamen")
        GYMNASIESARSKOLEBEVIS = "gymnasiesarskolebevis", _("Gymnasiesärskolebevis")
        IB = "ib", _("IB-diplom")
        UTLANDSK_EXAMEN = "utlandsk_examen", _("Utländsk examen")
        STUDIEBEVIS = "studiebevis", _("Studiebevis")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    delivery = models.ForeignKey(SourceDelivery, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    personnummer = models.CharField(max_length=12, db_index=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    date = models.DateField()
    issuer = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.personnummer} {self.kind} {self.date}"


class Run(models.Model):
    """One evaluation of the rule for a municipality on a date, and its counts."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("datum"))
    started_at = models.DateTimeField(_("startad"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    in_group = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    leaving = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.on}"

    @property
    def summary(self) -> str:
        return (
            f"in_group={self.in_group} new={self.new} leaving={self.leaving} "
            f"changed={self.changed} unchanged={self.unchanged} errors={self.errors}"
        )


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def open(self) -> ProposalQuerySet:
        return self.filter(status=Proposal.Status.OPEN)


class Proposal(models.Model):
    """What a run proposes for one person: register (new), deregister (leaving) or update
    (changed), with the reason and the evidence it rests on."""

    class Kind(models.TextChoices):
        NEW = "new", _("Ny")
        LEAVING = "leaving", _("Lämnar")
        CHANGED = "changed", _("Ändrad")

    class Status(models.TextChoices):
        OPEN = "open", _("Att granska")
        APPROVED = "approved", _("Godkänd")
        REJECTED = "rejected", _("Avvisad")
        SUPERSEDED = "superseded", _("Ersatt av en senare körning")

    class Rejection(models.TextChoices):
        NOT_IN_GROUP = "not_in_group", _("Tillhör inte målgruppen")
        IN_ERROR = "in_error", _("Felregistrerad")

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="proposals")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    personnummer = models.CharField(_("personnummer"), max_length=12)
    kind = models.CharField(_("förslag"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("orsak"), max_length=40)
    # For `changed`: what changed (IDENTITY, PROTECTED_SET, PROTECTED_LIFTED, ADDRESS, GUARDIAN)
    changes = models.JSONField(default=list)
    youth = models.ForeignKey(
        "youth.Youth", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    protected = models.BooleanField(_("skyddad folkbokföring"), default=False)
    effective_on = models.DateField()  # start of the new period or last day of the old
    evidence = models.JSONField(default=dict)
    evidence_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejection = models.CharField(max_length=20, choices=Rejection.choices, blank=True)
    rejection_note = models.CharField(max_length=300, blank=True)

    objects = ProposalQuerySet.as_manager()

    # Set for the review page (youth.identification.selectors): the reason and the changes in
    # words. Not stored.
    reason_label: StrOrPromise
    change_labels: list[StrOrPromise]

    class Meta:
        ordering = ["kind", "last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["municipality", "status"], name="ident_proposal_open"),
            models.Index(
                fields=["municipality", "personnummer", "kind"], name="ident_proposal_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reason}"

    @property
    def personnummer_formatted(self) -> str:
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}"

    @property
    def audit_youth_id(self) -> int | None:
        return self.youth_id

    @property
    def audit_flagged(self) -> bool:
        return self.protected


class Ss12000Connection(models.Model):
    """A municipality's SS 12000 school system, pulled (`GET /persons`) into the enrolment
    source of the same name. The bearer token is never stored here: `token_env` names the
    environment variable (or NAME_FILE, a secret's file) that holds it."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    name = models.CharField(_("namn"), max_length=100)
    base_url = models.URLField(_("adress"), max_length=300)
    token_env = models.CharField(_("miljövariabel med token"), max_length=100)
    enabled = models.BooleanField(_("aktiv"), default=True)
    timeout_seconds = models.FloatField(_("tidsgräns (sekunder)"), default=30)
    page_size = models.PositiveIntegerField(_("poster per sida"), default=500)
    # The latest attempt and its outcome, shown on the coordinators' page.
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SS 12000-koppling")
        verbose_name_plural = _("SS 12000-kopplingar")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="ident_ss12000_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def failing(self) -> bool:
        """The latest attempt failed (the run then used the latest stored snapshot)."""
        return bool(self.last_error)
