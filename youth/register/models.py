"""The youth register (Skollagen 29:9, förordning 2006:39): who is in KAA, since when, why,
who works with them, and when and why they left.

Only what förordning 2006:39 4 § allows is kept: identity, contact details, past/present/
future occupation and measures. No free-text field invites health or similar data.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.access import Scope, ScopedQuerySet
from kaa.models import BaseModel, Municipality, Team
from youth.personnummer import age_on, birthday

PERIOD_END_BEFORE_START = _("Slutdatumet kan inte ligga före startdatumet.")


class Reason(models.Model):
    """A registration or deregistration reason. Data, not code: SCB profiles map `code`."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registreringsorsak")
        DEREGISTRATION = "deregistration", _("Avregistreringsorsak")

    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("kod"),
        max_length=40,
        help_text=_("Stabil intern kod som SCB-profilen översätter, t.ex. AVBROTT_NATIONELLT."),
    )
    label = models.CharField(_("benämning"), max_length=120)
    is_active = models.BooleanField(_("aktiv"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=100)
    outside_target_group = models.BooleanField(
        _("utanför målgruppen"),
        default=False,
        help_text=_("Felregistrerad: ungdomen hörde aldrig till KAA och rapporteras inte."),
    )

    class Meta:
        ordering = ["kind", "sort_order", "label"]
        verbose_name = _("orsak")
        verbose_name_plural = _("orsaker")
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="reason_unique_code")]

    def __str__(self) -> str:
        return self.label


class OccupationType(models.Model):
    """What a youth does (sysselsättning); `category` drives follow-up rules and statistics."""

    class Category(models.TextChoices):
        STUDYING = "studying", _("Studerar")
        WORKING = "working", _("Arbetar")
        OTHER = "other", _("Annan sysselsättning")
        NONE = "none", _("Saknar sysselsättning")
        UNKNOWN = "unknown", _("Okänd")

    code = models.CharField(_("kod"), max_length=40, unique=True)
    label = models.CharField(_("benämning"), max_length=120)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    ends_kaa = models.BooleanField(
        _("avslutar aktivitetsansvaret"),
        default=False,
        help_text=_("T.ex. nationellt program eller examen: perioden ska avslutas."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=100)

    class Meta:
        ordering = ["sort_order", "label"]
        verbose_name = _("sysselsättningstyp")
        verbose_name_plural = _("sysselsättningstyper")

    def __str__(self) -> str:
        return self.label


class CaseStatus(models.TextChoices):
    NOT_REACHED = "not_reached", _("Ej nådd")
    IN_CONTACT = "in_contact", _("I kontakt")
    IN_MEASURE = "in_measure", _("I plan/insats")
    OCCUPIED = "occupied", _("Sysselsatt")
    OUTSIDE = "outside", _("Utanför målgruppen")
    ENDED = "ended", _("Avslutad")


class YouthQuerySet(ScopedQuerySet["Youth"]):
    access_scope = Scope(
        municipality="municipality",
        coach="coach",
        team="team",
        restricted="restricted_at",
        anonymised="anonymised_at",
    )

    def with_protection(self) -> YouthQuerySet:
        """Each youth knows, without a query of its own, whether a guardian has protected
        identity (`Youth.location_protected`)."""
        return self.annotate(
            guardian_protected=models.Exists(
                Guardian.objects.filter(youth=models.OuterRef("pk"), protected_identity=True)
            )
        )


class Youth(BaseModel):
    """A person in the register of one municipality. Status is derived, never typed."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="youths", verbose_name=_("kommun")
    )
    personnummer = models.CharField(_("personnummer"), max_length=12)
    pnr_short = models.CharField(max_length=10, editable=False, db_index=True)
    birth_date = models.DateField(_("födelsedatum"), editable=False)
    is_coordination_number = models.BooleanField(
        _("samordningsnummer"), default=False, editable=False
    )
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    address = models.CharField(_("adress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=10, blank=True)
    city = models.CharField(_("postort"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    phone_alt = models.CharField(_("annat telefonnummer"), max_length=30, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    protected_identity = models.BooleanField(_("skyddade personuppgifter"), default=False)
    former_school = models.CharField(_("avlämnande skola"), max_length=200, blank=True)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
        verbose_name=_("coach"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="youths",
        verbose_name=_("team"),
    )
    # Derived (youth.register.services.youth_status_refresh), never edited in a form.
    status = models.CharField(
        _("ärendestatus"),
        max_length=20,
        choices=CaseStatus.choices,
        default=CaseStatus.NOT_REACHED,
        editable=False,
    )
    last_reached_on = models.DateField(_("senast nådd"), null=True, blank=True, editable=False)
    in_measure = models.BooleanField(_("i plan eller insats"), default=False, editable=False)
    missing_guardian = models.BooleanField(
        _("saknar vårdnadshavare"), default=False, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # GDPR art. 18: while set, the record is frozen and only coordinators see it.
    restricted_at = models.DateTimeField(
        _("behandling begränsad"), null=True, blank=True, editable=False
    )
    restriction_reason = models.CharField(
        _("skäl till begränsning"), max_length=300, blank=True, editable=False
    )
    # Gallring: identity and free text removed, the skeleton the statistics count
    # kept; the record is then invisible to everyone.
    anonymised_at = models.DateTimeField(_("gallrad"), null=True, blank=True, editable=False)

    # The fields that can locate the youth (withheld under protected identity: see
    # youth.register.permissions.locating_data_visible).
    LOCATING_FIELDS = (
        "address",
        "postal_code",
        "city",
        "phone",
        "phone_alt",
        "email",
        "former_school",
    )

    objects: ClassVar[YouthQuerySet] = YouthQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("ungdom")
        verbose_name_plural = _("ungdomar")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "personnummer"], name="youth_unique_personnummer"
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"], name="youth_muni_status"),
            models.Index(fields=["coach", "status"], name="youth_coach_status"),
            models.Index(
                fields=["municipality", "last_name", "first_name"], name="youth_muni_name"
            ),
            models.Index(fields=["municipality", "birth_date"], name="youth_muni_birth"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def personnummer_formatted(self) -> str:
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}"

    @property
    def audit_youth_id(self) -> int:
        return self.pk

    @property
    def audit_flagged(self) -> bool:
        return self.protected_identity

    @property
    def location_protected(self) -> bool:
        """Whether what can locate the youth must be withheld (youth.register.permissions
        decides who still sees it): the youth has protected identity, or a guardian has; a youth
        usually lives with the guardian, so the guardian's protection covers the youth's address
        too."""
        if self.protected_identity:
            return True
        known = getattr(self, "guardian_protected", None)  # YouthQuerySet.with_protection
        if known is None:
            cached = getattr(self, "_prefetched_objects_cache", {}).get("guardians")
            known = (
                any(g.protected_identity for g in cached)
                if cached is not None
                else self.guardians.filter(protected_identity=True).exists()
            )
            setattr(self, "guardian_protected", known)  # noqa: B010 - as with_protection would
        return known

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)

    @property
    def twentieth_birthday(self) -> dt.date:
        return birthday(self.birth_date, 20)

    @property
    def ukaa_last_day(self) -> dt.date:
        """The last day of extended responsibility (UKAA): the day before the 25th birthday,
        as the KAA period's last day is the day before the 20th."""
        return birthday(self.birth_date, 25) - dt.timedelta(days=1)


_M = TypeVar("_M", bound=models.Model)


class ScopedByYouth(ScopedQuerySet[_M]):
    access_scope = Scope(
        municipality="youth__municipality",
        coach="youth__coach",
        team="youth__team",
        restricted="youth__restricted_at",
        anonymised="youth__anonymised_at",
    )


class Guardian(BaseModel):
    """A vårdnadshavare, needed while the youth is under 18."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("namn"), max_length=200)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    address = models.CharField(_("adress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=10, blank=True)
    city = models.CharField(_("postort"), max_length=100, blank=True)
    protected_identity = models.BooleanField(_("skyddade personuppgifter"), default=False)
    # Where the guardian came from: empty when staff entered it; otherwise the register
    # source (Navet), its file and the day that file arrived. Kept as text on the row, so
    # that it stays when the source's deliveries are replaced or removed.
    source = models.CharField(_("källa"), max_length=100, blank=True)
    source_file = models.CharField(_("källans fil"), max_length=200, blank=True)
    source_received_on = models.DateField(_("källan mottagen"), null=True, blank=True)

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("vårdnadshavare")
        verbose_name_plural = _("vårdnadshavare")

    def __str__(self) -> str:
        return self.name


class KaaPeriodQuerySet(ScopedByYouth):
    """Periods, with the one filter every KAA count goes through: `.kaa()` leaves out the
    periods of extended responsibility after 20 (UKAA), which are outside the legal duty,
    the SCB report and the KAA figures."""

    def kaa(self) -> KaaPeriodQuerySet:
        return self.filter(kind=KaaPeriod.Kind.KAA)

    def ukaa(self) -> KaaPeriodQuerySet:
        return self.filter(kind=KaaPeriod.Kind.UKAA)


class KaaPeriod(BaseModel):
    """One stretch of time in KAA. At most one open period per youth (database constraint),
    of either kind: a UKAA period (extended responsibility from 20 up to the day before the
    25th birthday, domain.md §1) starts only after the KAA period has ended."""

    class Kind(models.TextChoices):
        KAA = "kaa", _("KAA")
        UKAA = "ukaa", _("Utökat aktivitetsansvar (UKAA)")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(
        _("typ av period"), max_length=10, choices=Kind.choices, default=Kind.KAA
    )
    start_date = models.DateField(_("startdatum"))
    registration_reason = models.ForeignKey(
        Reason,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registreringsorsak"),
        limit_choices_to={"kind": Reason.Kind.REGISTRATION},
    )
    end_date = models.DateField(_("slutdatum"), null=True, blank=True)
    deregistration_reason = models.ForeignKey(
        Reason,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("avregistreringsorsak"),
        limit_choices_to={"kind": Reason.Kind.DEREGISTRATION},
    )
    # Derived: the first day inside the period on which the youth was reached. Kept by
    # outreach whenever a reached contact is saved (statistics read it instead of scanning
    # millions of contacts); rebuilt by outreach.queue.reach_facts.reached_facts_rebuild.
    first_reached_on = models.DateField(_("först nådd"), null=True, blank=True, editable=False)

    objects = KaaPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("KAA-period")
        verbose_name_plural = _("KAA-perioder")
        constraints = [
            models.UniqueConstraint(
                fields=["youth"],
                condition=Q(end_date__isnull=True),
                name="period_one_open_per_youth",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="period_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, deregistration_reason__isnull=True)
                | Q(end_date__isnull=False, deregistration_reason__isnull=False),
                name="period_end_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"], name="period_dates")]

    def __str__(self) -> str:
        return f"{self.start_date} – {self.end_date or ''}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    @property
    def is_ukaa(self) -> bool:
        return self.kind == self.Kind.UKAA


class Occupation(BaseModel):
    """What the youth did or does (sysselsättning), from when, and how we learned it."""

    class Source(models.TextChoices):
        CONTACT = "contact", _("Kontakt")
        ESERVICE = "eservice", _("E-tjänst")
        PARTNER = "partner", _("Samverkanspart")
        REGISTER = "register", _("Register")
        MAPPING = "mapping", _("Kartläggning")
        CLOSING = "closing", _("Avslut")  # where the youth goes on to, said when a plan closed
        RECHECK = "recheck", _("Återkontroll efter KAA")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="occupations")
    type = models.ForeignKey(
        OccupationType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sysselsättning"),
    )
    description = models.CharField(
        _("var/vad"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. skola och program, arbetsgivare."),
    )
    start_date = models.DateField(_("från"))
    end_date = models.DateField(_("till"), null=True, blank=True)
    source = models.CharField(_("källa"), max_length=20, choices=Source.choices)
    confirmed = models.BooleanField(_("bekräftad"), default=True)

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("sysselsättning")
        verbose_name_plural = _("sysselsättningar")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="occupation_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return str(self.type)


class TimelineEntry(models.Model):
    """One line of the youth's single timeline. Every app adds its events through
    `youth.register.services.timeline_add`, so the page reads one table, newest first."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    url = models.CharField(max_length=200, blank=True)

    # Kinds whose summary names the school that reported the youth: withheld like an address
    # (youth.register.permissions.locating_data_visible).
    PLACE_KINDS = frozenset({"school_notice", "preventive"})

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["youth", "-at"], name="timeline_youth_at")]

    def __str__(self) -> str:
        return self.summary

    @property
    def names_place(self) -> bool:
        return self.kind in self.PLACE_KINDS


class ColumnMapping(models.Model):
    """A saved translation from another file layout's headers to the canonical columns of
    one kind of list: {canonical column: the header in the file}."""

    class Kind(models.TextChoices):
        REGISTER = "register", _("Registerlista")
        ENROLMENTS = "enrolments", _("Inskrivningslista")
        COMPLETIONS = "completions", _("Examenslista")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("kommun")
    )
    kind = models.CharField(
        _("typ av lista"), max_length=20, choices=Kind.choices, default=Kind.REGISTER
    )
    name = models.CharField(_("namn"), max_length=100)
    mapping = models.JSONField(_("kolumner"), default=dict)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kolumnmappning")
        verbose_name_plural = _("kolumnmappningar")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="mapping_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class FieldChange(models.Model):
    """A corrected value: what a field held before and after (the register extract shows
    the history of corrections; the audit log names fields only, never values)."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="field_changes")
    field = models.CharField(max_length=60)
    label = models.CharField(max_length=100)
    old = models.CharField(max_length=300, blank=True)
    new = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.youth_id} {self.field}"

    @property
    def locates(self) -> bool:
        return self.field in Youth.LOCATING_FIELDS
