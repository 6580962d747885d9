"""The work queue's data: contact channels, each youth's outreach case, the tasks with due
dates, and the contact log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from youth.models import ScopedByYouth


class Channel(models.TextChoices):
    POSTCARD = "postcard", _("Vykort")
    LETTER = "letter", _("Brev")
    PHONE = "phone", _("Telefonsamtal")
    SMS = "sms", _("Sms")
    EMAIL = "email", _("E-post")
    SOCIAL_MEDIA = "social_media", _("Sociala medier")
    KNOCK_CARD = "knock_card", _("Knackakort")
    HOME_VISIT = "home_visit", _("Hembesök")
    MEETING = "meeting", _("Möte")
    CONCERN_REPORT = "concern_report", _("Orosanmälan till socialtjänsten")
    SOCIAL_SERVICES = "social_services", _("Förfrågan till socialtjänsten")
    NETWORK = "network", _("Samråd med KAA-nätverket")
    VIA_PARTNER = "via_partner", _("Via samverkanspart")
    ESERVICE = "eservice", _("E-tjänst")


# Channels where nobody answers at once: "done" means sent or carried out.
ONE_WAY_CHANNELS = {
    Channel.POSTCARD,
    Channel.LETTER,
    Channel.KNOCK_CARD,
    Channel.CONCERN_REPORT,
    Channel.SOCIAL_SERVICES,
    Channel.NETWORK,
}


class OutreachCase(models.Model):
    """The outreach for one KAA period: which routine version it follows and how it ended."""

    youth = models.ForeignKey(
        "youth.Youth", on_delete=models.CASCADE, related_name="outreach_cases"
    )
    period = models.OneToOneField(
        "youth.KaaPeriod", on_delete=models.CASCADE, related_name="outreach_case"
    )
    routine = models.ForeignKey("outreach.Routine", on_delete=models.PROTECT, related_name="cases")
    started_on = models.DateField()
    reached_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    retry_on = models.DateField(null=True, blank=True)
    # The first day on which the calendar alone can change what the deadline job makes of this
    # case (the day after its last planned deadline), kept by the job; the incremental run
    # takes up the cases whose day has come (outreach.routine.engine).
    recheck_on = models.DateField(null=True, blank=True, db_index=True, editable=False)

    objects = ScopedByYouth.as_manager()

    def __str__(self) -> str:
        return f"{self.youth_id}: {self.routine}"


class Task(models.Model):
    """Something to do for a youth by a date: a routine step, a follow-up or an escalation."""

    class Kind(models.TextChoices):
        STEP = "step", _("Rutinsteg")
        FOLLOW_UP = "follow_up", _("Uppföljning")
        MEETING = "meeting", _("Möte inom en vecka")
        PLANNING = "planning", _("Planering inom en vecka")
        ESCALATION = "escalation", _("Överväg orosanmälan")
        RETRY = "retry", _("Nytt uppsökande")
        TURNING_20 = "turning_20", _("Brev inför 20-årsdagen")
        PLAN_FOLLOW_UP = "plan_follow_up", _("Uppföljning av handlingsplan")
        INTERVENTION_FOLLOW_UP = "intervention_follow_up", _("Uppföljning av insats")
        ESERVICE = "eservice", _("Svar via e-tjänsten")
        RECHECK = "recheck", _("Återkontroll efter KAA")

    class Status(models.TextChoices):
        OPEN = "open", _("Att göra")
        DONE = "done", _("Klar")
        CANCELLED = "cancelled", _("Avbruten")

    youth = models.ForeignKey("youth.Youth", on_delete=models.CASCADE, related_name="tasks")
    case = models.ForeignKey(
        OutreachCase, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    step = models.ForeignKey(
        "outreach.RoutineStep",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.STEP)
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    title = models.CharField(max_length=150)
    due_date = models.DateField(db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    guardian_copy = models.BooleanField(default=False)
    two_staff = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    # Tasks that higher apps schedule (plans): what they are about, e.g. "plan:12", and
    # where to do them. Outreach only shows them; it never imports those apps.
    ref = models.CharField(max_length=40, blank=True, db_index=True)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            # The daily job may run twice, or in two beats at once: never two tasks per step.
            models.UniqueConstraint(
                fields=["case", "step"],
                condition=Q(step__isnull=False),
                name="task_one_per_case_step",
            ),
            models.UniqueConstraint(
                fields=["youth", "kind", "due_date", "ref"],
                condition=Q(step__isnull=True, status="open"),
                name="task_one_open_per_kind_day_ref",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="task_status_due")]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_date})"


# An attempt "led to contact" when the youth was reached at it or within this many days after
# it, on any channel (ContactAttempt.led_to_contact; the statistics count it).
LED_TO_CONTACT_DAYS = 14


class ContactAttempt(models.Model):
    """One attempt to reach a youth (or their guardian), successful or not."""

    class Direction(models.TextChoices):
        OUT = "out", _("Från oss")
        IN = "in", _("Från ungdomen")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Nådd")
        REACHED_GUARDIAN = "reached_guardian", _("Nådde vårdnadshavare")
        NO_ANSWER = "no_answer", _("Inget svar")
        MESSAGE_LEFT = "message_left", _("Meddelande lämnat")
        WRONG_NUMBER = "wrong_number", _("Fel nummer")
        RETURNED_MAIL = "returned_mail", _("Post i retur")
        NOBODY_HOME = "nobody_home", _("Ingen hemma")
        SENT = "sent", _("Skickat/utfört")
        FAILED = "failed", _("Kunde inte skickas")

    youth = models.ForeignKey(
        "youth.Youth", on_delete=models.CASCADE, related_name="contact_attempts"
    )
    period = models.ForeignKey(
        "youth.KaaPeriod", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="attempts"
    )
    at = models.DateTimeField(_("tid"))
    channel = models.CharField(_("kanal"), max_length=20, choices=Channel.choices)
    direction = models.CharField(
        _("riktning"), max_length=5, choices=Direction.choices, default=Direction.OUT
    )
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personal"),
    )
    note = models.CharField(_("kort notering"), max_length=500, blank=True)
    # Derived: the youth was reached at this attempt or within LED_TO_CONTACT_DAYS after it
    # (any channel). Kept by save() (outreach.queue.reach_facts).
    led_to_contact = models.BooleanField(default=False, editable=False)

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["youth", "-at"], name="attempt_youth_at"),
            models.Index(fields=["at"], name="attempt_at"),
            # "When was this youth reached?": statistics ask it per youth and period.
            models.Index(
                fields=["youth", "at"],
                name="attempt_reached_youth_at",
                condition=models.Q(outcome="reached"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.channel} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every saved contact, however it was made, keeps the reach facts right (its youth's
        last day reached, the period's first, led_to_contact). bulk_create does not come here:
        after one, outreach.queue.reach_facts.reached_facts_rebuild recomputes them."""
        from outreach.queue.reach_facts import contact_facts_update

        created = self._state.adding
        super().save(*args, **kwargs)
        contact_facts_update(self, created=created)

    @property
    def is_failure(self) -> bool:
        return self.outcome in FAILED_OUTCOMES


FAILED_OUTCOMES = {
    ContactAttempt.Outcome.NO_ANSWER,
    ContactAttempt.Outcome.MESSAGE_LEFT,
    ContactAttempt.Outcome.WRONG_NUMBER,
    ContactAttempt.Outcome.RETURNED_MAIL,
    ContactAttempt.Outcome.NOBODY_HOME,
}
_O = ContactAttempt.Outcome
_PAPER = (_O.SENT, _O.RETURNED_MAIL)
_SENT_ONLY = (_O.SENT,)
# The outcomes that can follow an attempt on each channel ("reached" aside): no "returned
# mail" after a call, no "nobody home" after an SMS.
CHANNEL_OUTCOMES: dict[str, tuple[str, ...]] = {
    Channel.POSTCARD: _PAPER,
    Channel.LETTER: _PAPER,
    Channel.KNOCK_CARD: _SENT_ONLY,
    Channel.PHONE: (_O.NO_ANSWER, _O.MESSAGE_LEFT, _O.WRONG_NUMBER, _O.REACHED_GUARDIAN),
    Channel.SMS: (_O.SENT, _O.WRONG_NUMBER, _O.FAILED),
    Channel.EMAIL: (_O.SENT, _O.FAILED),
    Channel.SOCIAL_MEDIA: (_O.SENT, _O.NO_ANSWER),
    Channel.HOME_VISIT: (_O.NOBODY_HOME, _O.REACHED_GUARDIAN),
    Channel.MEETING: (_O.NO_ANSWER, _O.REACHED_GUARDIAN),
    Channel.CONCERN_REPORT: _SENT_ONLY,
    Channel.SOCIAL_SERVICES: _SENT_ONLY,
    Channel.NETWORK: _SENT_ONLY,
    Channel.VIA_PARTNER: (_O.SENT, _O.NO_ANSWER, _O.REACHED_GUARDIAN),
    Channel.ESERVICE: _SENT_ONLY,
}
# Channels where the youth is not the one contacted (a report, a question to a partner).
NOT_TO_YOUTH = {Channel.CONCERN_REPORT, Channel.SOCIAL_SERVICES, Channel.NETWORK}


def outcomes_for(channel: str) -> list[str]:
    """The outcomes that fit a channel, "reached" first where the youth can be reached there
    (a task without a channel, e.g. a retry in any channel: all of them)."""
    if not channel:
        return list(ContactAttempt.Outcome.values)
    reached = [] if channel in NOT_TO_YOUTH else [_O.REACHED.value]
    return reached + [str(o) for o in CHANNEL_OUTCOMES.get(channel, _SENT_ONLY)]


# "Kontaktförsök utan resultat": what counts towards "after N failed attempts".
UNSUCCESSFUL_OUTCOMES = FAILED_OUTCOMES | {ContactAttempt.Outcome.SENT}
REACHED_OUTCOMES = {ContactAttempt.Outcome.REACHED}
