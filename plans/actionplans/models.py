"""Individual action plans (individuell planering / handlingsplan, made with the youth on the
plan form) with their interventions, revisions, follow-ups and the closing conversation.

An intervention's actual start/end and `went_on_to` are blocks 3 and 4 of the SCB report.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaa.access import Scope, ScopedQuerySet
from kaa.models import BaseModel
from plans.catalogue.models import InterventionType
from plans.common.fields import SENSITIVE_HELP
from plans.consent.models import Consent
from plans.partners.models import Partner
from youth.models import KaaPeriod, OccupationType, ScopedByYouth, Youth


class ActionPlan(BaseModel):
    """Individuell planering / handlingsplan, the plan form. Every change is a revision."""

    class Kind(models.TextChoices):
        KAA = "kaa", _("KAA-plan")
        PREVENTIVE = "preventive", _("Förebyggande plan med skolan")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Pågår")
        CLOSED = "closed", _("Avslutad")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="plans")
    kind = models.CharField(
        _("typ av plan"), max_length=20, choices=Kind.choices, default=Kind.KAA
    )
    period = models.ForeignKey(
        KaaPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("KAA-period"),
    )
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("samtycke"),
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handläggare"),
    )
    school = models.CharField(
        _("skola"),
        max_length=200,
        blank=True,
        help_text=_("För en förebyggande plan: skolan som anmälde."),
    )
    school_contact = models.CharField(_("kontaktperson på skolan"), max_length=200, blank=True)
    goal = models.TextField(
        _("övergripande mål och planering"), max_length=4000, help_text=SENSITIVE_HELP
    )
    start_date = models.DateField(_("startdatum"))
    next_follow_up = models.DateField(_("nästa uppföljning"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    closed_on = models.DateField(_("avslutad"), null=True, blank=True)
    close_reason = models.CharField(_("skäl till avslut"), max_length=200, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    # Bumped by every save of the plan's own fields (kaa.versioning: no lost updates).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("handlingsplan")
        verbose_name_plural = _("handlingsplaner")
        constraints = [
            models.UniqueConstraint(
                fields=["youth", "kind"],
                condition=Q(status="active"),
                name="plan_one_active_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="preventive") | Q(period__isnull=False),
                name="plan_kaa_has_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class InterventionQuerySet(ScopedQuerySet["Intervention"]):
    access_scope = Scope(
        municipality="plan__youth__municipality",
        coach="plan__youth__coach",
        team="plan__youth__team",
        restricted="plan__youth__restricted_at",
        anonymised="plan__youth__anonymised_at",
    )


class Intervention(models.Model):
    """One insats in a plan (or one that was offered and declined)."""

    class Responsible(models.TextChoices):
        YOUTH = "youth", _("Ungdomen")
        MUNICIPALITY = "municipality", _("Kommunen")
        OTHER = "other", _("Annan aktör")

    class EndReason(models.TextChoices):
        COMPLETED = "completed", _("Genomförd enligt plan")
        STARTED_STUDIES = "studies", _("Började studera")
        STARTED_WORK = "work", _("Fick arbete")
        YOUTH_QUIT = "youth_quit", _("Avbruten av ungdomen")
        NOT_SUITABLE = "not_suitable", _("Passade inte, ersatt av annan insats")
        KAA_ENDED = "kaa_ended", _("Aktivitetsansvaret upphörde")
        OTHER = "other", _("Annat skäl")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="interventions")
    version = models.PositiveIntegerField(default=1, editable=False)  # kaa.versioning
    type = models.ForeignKey(
        InterventionType, on_delete=models.PROTECT, related_name="+", verbose_name=_("insats")
    )
    purpose = models.CharField(_("syfte"), max_length=500, blank=True)
    declined = models.BooleanField(_("erbjuden men avböjd"), default=False)
    declined_reason = models.CharField(
        _("skäl till att ungdomen tackade nej"), max_length=300, blank=True
    )
    responsible_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig personal"),
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig samverkanspart"),
    )
    responsible = models.CharField(
        _("vem ansvarar"),
        max_length=20,
        choices=Responsible.choices,
        default=Responsible.MUNICIPALITY,
    )
    planned_start = models.DateField(_("planerad start"), null=True, blank=True)
    planned_end = models.DateField(_("planerat slut"), null=True, blank=True)
    actual_start = models.DateField(_("faktisk start"), null=True, blank=True)
    actual_end = models.DateField(_("faktiskt slut"), null=True, blank=True)
    follow_up_on = models.DateField(_("uppföljningsdatum"), null=True, blank=True)
    end_reason = models.CharField(
        _("skäl till avslut"), max_length=20, choices=EndReason.choices, blank=True
    )
    result = models.CharField(_("resultat"), max_length=500, blank=True)
    went_on_to = models.ForeignKey(
        OccupationType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sysselsättning efter insatsen"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["declined", "planned_start", "id"]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        constraints = [
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="intervention_end_after_start",
                violation_error_message=_("Insatsen kan inte sluta innan den har börjat."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.type)

    @property
    def audit_youth_id(self) -> int:
        return self.plan.youth_id

    @property
    def is_ongoing(self) -> bool:
        return not self.declined and self.actual_start is not None and self.actual_end is None


class PlanRevision(models.Model):
    """A snapshot of the plan and its interventions after each change (kept forever)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(max_length=300)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan} r{self.number}"


class PlanFollowUp(models.Model):
    """A recorded follow-up of the plan (monthly) or of one intervention."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="follow_ups")
    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups"
    )
    held_on = models.DateField(_("datum"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("hur går det?"), max_length=2000, help_text=SENSITIVE_HELP)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{_('Uppföljning')} {self.held_on}"

    @property
    def audit_youth_id(self) -> int:
        return self.plan.youth_id


class ClosingConversation(models.Model):
    """Utslussning and uppföljning: the youth evaluates the interventions; answers are kept
    as numbers for the statistics."""

    SCALE = [
        (1, _("Stämmer inte alls")),
        (2, _("Stämmer dåligt")),
        (3, _("Stämmer delvis")),
        (4, _("Stämmer ganska bra")),
        (5, _("Stämmer helt")),
    ]

    plan = models.OneToOneField(ActionPlan, on_delete=models.CASCADE, related_name="closing")
    held_on = models.DateField(_("datum för avslutande samtal"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("samtalet hölls av"),
    )
    destination = models.ForeignKey(
        OccupationType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("vad ungdomen går vidare till"),
    )
    destination_detail = models.CharField(_("var/vad"), max_length=200, blank=True)
    handed_over_to = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("överlämnad till"),
    )
    q_helped = models.PositiveSmallIntegerField(
        _("Insatserna har hjälpt mig framåt"), choices=SCALE
    )
    q_respected = models.PositiveSmallIntegerField(
        _("Jag har blivit bemött med respekt"), choices=SCALE
    )
    q_involved = models.PositiveSmallIntegerField(
        _("Jag har fått vara med och bestämma om mina insatser"), choices=SCALE
    )
    q_next_step_clear = models.PositiveSmallIntegerField(
        _("Jag vet vad jag ska göra nu"), choices=SCALE
    )
    # No default: an answer nobody gave must never be saved as a yes.
    would_recommend = models.BooleanField(_("Jag skulle rekommendera KAA till en kompis"))
    comment = models.CharField(_("ungdomens egna ord"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    QUESTIONS = ("q_helped", "q_respected", "q_involved", "q_next_step_clear")

    def __str__(self) -> str:
        return f"{_('Avslutande samtal')} {self.held_on}"

    @property
    def audit_youth_id(self) -> int:
        return self.plan.youth_id
