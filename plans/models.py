"""Mapping conversations, consents, action plans with interventions, follow-ups, closing
conversations, network meetings and preventive plans (domain.md §4, Askersund bilagor 1-3).

The SCB report (reporting) reads interventions as measures (åtgärder): `InterventionType.
measure_code` is the stable internal code that the export profile maps to SCB's code, and an
intervention's actual start/end and `went_on_to` are blocks 3 and 4.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaa.access import Scope, ScopedQuerySet
from kaa.models import BaseModel, Municipality
from youth.models import Guardian, KaaPeriod, OccupationType, ScopedByYouth, Youth

SENSITIVE_HELP = _("Skriv inte om hälsa, diagnoser eller annat känsligt som inte behövs.")


class PartyKind(models.TextChoices):
    """The parties on the paper consent form (samtyckesblankett)."""

    SCHOOL = "school", _("Skola")
    EMPLOYMENT_SERVICE = "af", _("Arbetsförmedlingen")
    LABOUR_MARKET_UNIT = "ame", _("Arbetsmarknadsenheten")
    SOCIAL_SERVICES = "social", _("Socialtjänsten")
    RELATIVE = "relative", _("Förälder eller annan anhörig")
    HEALTHCARE = "health", _("Hälso- och sjukvården")
    OTHER = "other", _("Annan part")


class Partner(BaseModel):
    """A partner organisation (samverkanspart) of the municipality's KAA network."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("kommun"))
    name = models.CharField(_("namn"), max_length=150)
    kind = models.CharField(_("typ av part"), max_length=20, choices=PartyKind.choices)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("samverkanspart")
        verbose_name_plural = _("samverkansparter")
        constraints = [models.UniqueConstraint(fields=["municipality", "name"],
                                               name="partner_unique_name")]

    def __str__(self) -> str:
        return self.name


class MeasureCode(models.TextChoices):
    """Internal measure (åtgärd) codes; the SCB export profile maps them (scb-export.md §2.3)."""

    SYV = "SYV", _("Studie- och yrkesvägledning")
    STUDIER = "STUDIER", _("Studier eller studieförberedande insats")
    PRAKTIK = "PRAKTIK", _("Praktik")
    ARBETSMARKNAD = "ARBETSMARKNAD", _("Arbetsmarknadsinsats")
    MOTIVATION = "MOTIVATION", _("Motivations- och samtalsinsats")
    ANNAN = "ANNAN", _("Annan åtgärd")


class InterventionType(models.Model):
    """One entry of the municipality's intervention catalogue (insatskatalog)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("kommun"))
    name = models.CharField(_("insats"), max_length=120)
    description = models.CharField(_("beskrivning"), max_length=300, blank=True)
    measure_code = models.CharField(
        _("åtgärdstyp för SCB"), max_length=20, choices=MeasureCode.choices,
        default=MeasureCode.ANNAN,
        help_text=_("Vilken åtgärdstyp insatsen redovisas som i halvårsrapporten till SCB."))
    is_active = models.BooleanField(_("aktiv"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=100)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("insatstyp")
        verbose_name_plural = _("insatskatalog")
        constraints = [models.UniqueConstraint(fields=["municipality", "name"],
                                               name="intervention_type_unique_name")]

    def __str__(self) -> str:
        return self.name


class MappingConversation(BaseModel):
    """Samtalsblankett (Askersund bilaga 1): several per youth, the latest counts."""

    class SchoolStatus(models.TextChoices):
        EXAM_PREP = "exam_prep", _("Har högskoleförberedande examen")
        EXAM_VOC = "exam_voc", _("Har yrkesexamen")
        STUDYING = "studying", _("Studerar")
        STUDIEBEVIS = "studiebevis", _("Har studiebevis")
        DROPPED_OUT = "dropped_out", _("Har avbrutit studierna")
        GYMNASIEINTYG = "gymnasieintyg", _("Har gymnasieintyg")
        NEVER_STARTED = "never_started", _("Har aldrig påbörjat gymnasiet")

    class StudyAgain(models.TextChoices):
        YES = "yes", _("Ja")
        MAYBE = "maybe", _("Kanske")
        NO = "no", _("Nej")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="conversations")
    period = models.ForeignKey(KaaPeriod, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    held_on = models.DateField(_("datum för samtalet"))
    conducted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("samtalet hölls av"))
    contact_person = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    school_status = models.CharField(_("gymnasiestudier"), max_length=20,
                                     choices=SchoolStatus.choices)
    school_name = models.CharField(_("skola"), max_length=200, blank=True)
    programme = models.CharField(_("program"), max_length=200, blank=True)
    why_not_in_school = models.TextField(_("varför studerar du inte?"), max_length=2000,
                                         blank=True, help_text=SENSITIVE_HELP)
    what_would_have_helped = models.TextField(
        _("vad hade behövts för att du skulle ha fullföljt?"), max_length=2000, blank=True)
    occupation_type = models.ForeignKey(
        OccupationType, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("vad gör du i dag?"))
    occupation_description = models.CharField(_("var/vad"), max_length=200, blank=True)
    future_thoughts = models.TextField(_("tankar om framtiden"), max_length=2000, blank=True)
    needs = models.TextField(_("vad behöver du för att nå dit?"), max_length=2000, blank=True,
                             help_text=SENSITIVE_HELP)
    would_study_again = models.CharField(_("kan du tänka dig att studera igen?"),
                                         max_length=10, choices=StudyAgain.choices,
                                         blank=True)

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("kartläggningssamtal")
        verbose_name_plural = _("kartläggningssamtal")

    def __str__(self) -> str:
        return f"{_('Kartläggningssamtal')} {self.held_on}"


class Consent(BaseModel):
    """Samtyckesblankett (Askersund bilaga 2): lifts secrecy towards the ticked parties, only
    during the KAA period it was given in, until revoked or replaced by a new consent."""

    class EndKind(models.TextChoices):
        REVOKED = "revoked", _("Återkallat")
        REPLACED = "replaced", _("Ersatt av nytt samtycke")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="consents")
    # Null only for a preventive plan outside KAA periods (then it ends with that plan).
    period = models.ForeignKey(KaaPeriod, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="consents", verbose_name=_("KAA-period"))
    given_on = models.DateField(_("datum"))
    place = models.CharField(_("ort"), max_length=100)
    by_youth = models.BooleanField(_("ungdomen har samtyckt"), default=True)
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("vårdnadshavare som samtyckt"))
    school = models.BooleanField(PartyKind.SCHOOL.label, default=False)
    employment_service = models.BooleanField(PartyKind.EMPLOYMENT_SERVICE.label, default=False)
    labour_market_unit = models.BooleanField(PartyKind.LABOUR_MARKET_UNIT.label, default=False)
    social_services = models.BooleanField(PartyKind.SOCIAL_SERVICES.label, default=False)
    healthcare = models.BooleanField(PartyKind.HEALTHCARE.label, default=False)
    relative = models.BooleanField(PartyKind.RELATIVE.label, default=False)
    relative_name = models.CharField(_("namn på förälder eller anhörig"), max_length=200,
                                     blank=True)
    other = models.BooleanField(PartyKind.OTHER.label, default=False)
    other_partner = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("annan part"))
    other_name = models.CharField(_("annan part (namn)"), max_length=200, blank=True)
    paper_received_on = models.DateField(_("underskriven blankett mottagen"), null=True,
                                         blank=True)
    paper_received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                          null=True, blank=True, related_name="+")
    scan = models.FileField(_("inskannad blankett"), upload_to="consents/%Y/", blank=True)
    ended_on = models.DateField(_("upphörde"), null=True, blank=True)
    end_kind = models.CharField(max_length=20, choices=EndKind.choices, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    end_note = models.CharField(_("kommentar"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("samtycke")
        verbose_name_plural = _("samtycken")

    def __str__(self) -> str:
        return f"{_('Samtycke')} {self.given_on}"

    def party_flags(self) -> dict[str, bool]:
        """The ticked parties by PartyKind value."""
        return {PartyKind.SCHOOL: self.school,
                PartyKind.EMPLOYMENT_SERVICE: self.employment_service,
                PartyKind.LABOUR_MARKET_UNIT: self.labour_market_unit,
                PartyKind.SOCIAL_SERVICES: self.social_services,
                PartyKind.RELATIVE: self.relative,
                PartyKind.HEALTHCARE: self.healthcare,
                PartyKind.OTHER: self.other}

    def party_labels(self) -> list[str]:
        labels = []
        for kind, ticked in self.party_flags().items():
            if not ticked:
                continue
            label = str(PartyKind(kind).label)
            if kind == PartyKind.RELATIVE and self.relative_name:
                label = f"{label}: {self.relative_name}"
            if kind == PartyKind.OTHER:
                label = f"{label}: {self.other_partner or self.other_name}"
            labels.append(label)
        return labels


class ActionPlan(BaseModel):
    """Individuell planering / handlingsplan (Askersund bilaga 3). Every change is a revision."""

    class Kind(models.TextChoices):
        KAA = "kaa", _("KAA-plan")
        PREVENTIVE = "preventive", _("Förebyggande plan med skolan")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Pågår")
        CLOSED = "closed", _("Avslutad")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="plans")
    kind = models.CharField(_("typ av plan"), max_length=20, choices=Kind.choices,
                            default=Kind.KAA)
    period = models.ForeignKey(KaaPeriod, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="plans", verbose_name=_("KAA-period"))
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="plans", verbose_name=_("samtycke"))
    case_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("handläggare"))
    school = models.CharField(_("skola"), max_length=200, blank=True,
                              help_text=_("För en förebyggande plan: skolan som anmälde."))
    school_contact = models.CharField(_("kontaktperson på skolan"), max_length=200, blank=True)
    goal = models.TextField(_("övergripande mål och planering"), max_length=4000,
                            help_text=SENSITIVE_HELP)
    start_date = models.DateField(_("startdatum"))
    next_follow_up = models.DateField(_("nästa uppföljning"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ACTIVE)
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
            models.UniqueConstraint(fields=["youth", "kind"], condition=Q(status="active"),
                                    name="plan_one_active_per_kind"),
            models.CheckConstraint(condition=Q(kind="preventive") | Q(period__isnull=False),
                                   name="plan_kaa_has_period"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class InterventionQuerySet(ScopedQuerySet["Intervention"]):
    access_scope = Scope(municipality="plan__youth__municipality", coach="plan__youth__coach",
                         team="plan__youth__team", restricted="plan__youth__restricted_at",
                         anonymised="plan__youth__anonymised_at")


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
    type = models.ForeignKey(InterventionType, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("insats"))
    purpose = models.CharField(_("syfte"), max_length=500, blank=True)
    declined = models.BooleanField(_("erbjuden men avböjd"), default=False)
    declined_reason = models.CharField(_("skäl till att ungdomen tackade nej"), max_length=300,
                                       blank=True)
    responsible_staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                          null=True, blank=True, related_name="+",
                                          verbose_name=_("ansvarig personal"))
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("ansvarig samverkanspart"))
    responsible = models.CharField(_("vem ansvarar"), max_length=20,
                                   choices=Responsible.choices, default=Responsible.MUNICIPALITY)
    planned_start = models.DateField(_("planerad start"), null=True, blank=True)
    planned_end = models.DateField(_("planerat slut"), null=True, blank=True)
    actual_start = models.DateField(_("faktisk start"), null=True, blank=True)
    actual_end = models.DateField(_("faktiskt slut"), null=True, blank=True)
    follow_up_on = models.DateField(_("uppföljningsdatum"), null=True, blank=True)
    end_reason = models.CharField(_("skäl till avslut"), max_length=20,
                                  choices=EndReason.choices, blank=True)
    result = models.CharField(_("resultat"), max_length=500, blank=True)
    went_on_to = models.ForeignKey(OccupationType, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+",
                                   verbose_name=_("sysselsättning efter insatsen"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["declined", "planned_start", "id"]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        constraints = [
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_start__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="intervention_end_after_start",
                violation_error_message=_("Insatsen kan inte sluta innan den har börjat.")),
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
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                           blank=True, related_name="+")
    summary = models.CharField(max_length=300)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"],
                                               name="plan_revision_unique_number")]

    def __str__(self) -> str:
        return f"{self.plan} r{self.number}"


class PlanFollowUp(models.Model):
    """A recorded follow-up of the plan (monthly) or of one intervention."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="follow_ups")
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="follow_ups")
    held_on = models.DateField(_("datum"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                           related_name="+")
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

    SCALE = [(1, _("Stämmer inte alls")), (2, _("Stämmer dåligt")), (3, _("Stämmer delvis")),
             (4, _("Stämmer ganska bra")), (5, _("Stämmer helt"))]

    plan = models.OneToOneField(ActionPlan, on_delete=models.CASCADE, related_name="closing")
    held_on = models.DateField(_("datum för avslutande samtal"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("samtalet hölls av"))
    destination = models.ForeignKey(OccupationType, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("vad ungdomen går vidare till"))
    destination_detail = models.CharField(_("var/vad"), max_length=200, blank=True)
    handed_over_to = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+",
                                       verbose_name=_("överlämnad till"))
    q_helped = models.PositiveSmallIntegerField(_("Insatserna har hjälpt mig framåt"),
                                                choices=SCALE)
    q_respected = models.PositiveSmallIntegerField(_("Jag har blivit bemött med respekt"),
                                                   choices=SCALE)
    q_involved = models.PositiveSmallIntegerField(
        _("Jag har fått vara med och bestämma om mina insatser"), choices=SCALE)
    q_next_step_clear = models.PositiveSmallIntegerField(_("Jag vet vad jag ska göra nu"),
                                                         choices=SCALE)
    would_recommend = models.BooleanField(_("Jag skulle rekommendera KAA till en kompis"),
                                          default=True)
    comment = models.CharField(_("ungdomens egna ord"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    QUESTIONS = ("q_helped", "q_respected", "q_involved", "q_next_step_clear")

    def __str__(self) -> str:
        return f"{_('Avslutande samtal')} {self.held_on}"

    @property
    def audit_youth_id(self) -> int:
        return self.plan.youth_id


class NetworkMeeting(BaseModel):
    """KAA-nätverket (every 6 weeks): partners present, youths discussed by name only with a
    consent covering every partner present; the others only as counts."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("datum"))
    partners = models.ManyToManyField(Partner, related_name="meetings",
                                      verbose_name=_("deltagande samverkansparter"))
    agenda = models.TextField(_("övergripande anteckningar"), max_length=4000, blank=True,
                              help_text=_("Inga personuppgifter här: ungdomar som diskuteras "
                                          "med namn registreras nedan."))
    not_reached_count = models.PositiveIntegerField(_("ej nådda (antal)"), default=0)
    without_occupation_count = models.PositiveIntegerField(_("utan sysselsättning (antal)"),
                                                           default=0)
    youths = models.ManyToManyField(Youth, through="MeetingYouth", related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("nätverksmöte")
        verbose_name_plural = _("nätverksmöten")

    def __str__(self) -> str:
        return f"{_('Nätverksmöte')} {self.held_on}"


class MeetingYouth(models.Model):
    meeting = models.ForeignKey(NetworkMeeting, on_delete=models.CASCADE,
                                related_name="discussed")
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")

    objects = ScopedByYouth.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "youth"],
                                               name="meeting_youth_unique")]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.youth_id}"


class SchoolNotification(models.Model):
    """A school's notice that a student has stopped, risks stopping or is absent to a
    significant extent (skollagen 15 kap. 15 §), sent through the public form without an
    account. It waits in the coordinators' inbox until accepted or rejected."""

    class Kind(models.TextChoices):
        STOPPED = "stopped", _("Eleven har slutat")
        AT_RISK = "at_risk", _("Eleven riskerar att avbryta studierna")
        ABSENCE = "absence", _("Eleven har betydande frånvaro")

    class Status(models.TextChoices):
        NEW = "new", _("Ny")
        ACCEPTED = "accepted", _("Tagen om hand")
        REJECTED = "rejected", _("Avvisad")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("elevens hemkommun"))
    kind = models.CharField(_("vad gäller anmälan"), max_length=20, choices=Kind.choices)
    personnummer = models.CharField(_("elevens personnummer"), max_length=13)
    first_name = models.CharField(_("elevens förnamn"), max_length=100)
    last_name = models.CharField(_("elevens efternamn"), max_length=100)
    school = models.CharField(_("skola"), max_length=200)
    programme = models.CharField(_("program"), max_length=200, blank=True)
    event_date = models.DateField(_("datum"), help_text=_(
        "När eleven slutade, eller sedan när risken eller frånvaron gäller."))
    contact_name = models.CharField(_("kontaktperson på skolan"), max_length=150)
    contact_email = models.EmailField(_("kontaktpersonens e-post"), max_length=200,
                                      help_text=_("Hit skickas ett kvitto utan personuppgifter."))
    contact_phone = models.CharField(_("kontaktpersonens telefon"), max_length=30, blank=True)
    message = models.TextField(_("meddelande"), max_length=2000, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=200, blank=True)
    reject_reason = models.CharField(_("skäl"), max_length=300, blank=True)
    youth = models.ForeignKey(Youth, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    # The staff member who handed a school's report on to the coordinators (the preventive-
    # case form, for a student not among the records they may see); such a notice gets no
    # e-mail receipt.
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("inskickad av"))

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("anmälan från skola")
        verbose_name_plural = _("anmälningar från skolor")
        indexes = [models.Index(fields=["municipality", "status", "-received_at"],
                                name="schoolnotice_inbox")]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        """The number in the receipt: identifies the notice, says nothing about the student."""
        return f"SK-{self.pk}"
