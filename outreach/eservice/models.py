"""The youth's e-service: a personal code printed on every postcard, letter and
SMS of the outreach routine, and what the youth submits with it.

A code belongs to one KAA period and stops working when the period ends or a coordinator
revokes it. It identifies the youth without revealing anything: the e-form shows nothing
until the youth has also entered their date of birth, and repeated wrong dates lock it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.queue.models import ContactAttempt
from youth.models import ScopedByYouth

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: read aloud or typed from paper without mix-ups.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8  # 25**8 = 1.5e11 codes; guessing is further bounded by the rate limits


def code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_normalise(text: str) -> str:
    """What a youth typed ("kq7m-4xpa ") as stored ("KQ7M4XPA")."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[: CODE_LENGTH * 2]


def code_display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


class AccessCode(models.Model):
    youth = models.ForeignKey("youth.Youth", on_delete=models.CASCADE, related_name="access_codes")
    period = models.ForeignKey(
        "youth.KaaPeriod", on_delete=models.CASCADE, related_name="access_codes"
    )
    code = models.CharField(max_length=CODE_LENGTH, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedByYouth.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=models.Q(revoked_at__isnull=True),
                name="accesscode_one_live_per_period",
            ),
        ]

    def __str__(self) -> str:
        return code_display(self.code)

    @property
    def display(self) -> str:
        return code_display(self.code)

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class EserviceSubmission(models.Model):
    """What the youth told us through the e-form; the coach reviews it from the work queue."""

    class Activity(models.TextChoices):
        STUDYING = "studying", _("Jag studerar")
        WORKING = "working", _("Jag arbetar")
        JOB_SEEKING = "job_seeking", _("Jag söker arbete")
        OTHER = "other", _("Jag gör något annat")
        NOTHING = "nothing", _("Jag gör ingenting just nu")

    class ContactWay(models.TextChoices):
        PHONE = "phone", _("Ring mig")
        SMS = "sms", _("Skicka sms")
        EMAIL = "email", _("Skicka e-post")
        MEETING = "meeting", _("Jag vill träffas")

    youth = models.ForeignKey(
        "youth.Youth", on_delete=models.CASCADE, related_name="eservice_submissions"
    )
    access_code = models.ForeignKey(
        AccessCode, on_delete=models.CASCADE, related_name="submissions"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    activity = models.CharField(
        _("vad gör du nu"), max_length=20, choices=Activity.choices, blank=True
    )
    school = models.CharField(_("skola"), max_length=150, blank=True)
    programme = models.CharField(_("program eller kurs"), max_length=150, blank=True)
    studies_until = models.DateField(_("studerar till"), null=True, blank=True)
    employer = models.CharField(_("arbetsgivare"), max_length=150, blank=True)
    activity_other = models.CharField(_("annat"), max_length=300, blank=True)
    wants_contact = models.BooleanField(_("vill bli kontaktad"), default=False)
    contact_way = models.CharField(_("hur"), max_length=10, choices=ContactWay.choices, blank=True)
    contact_when = models.CharField(_("när"), max_length=150, blank=True)
    contact_detail = models.CharField(_("telefon eller e-post"), max_length=150, blank=True)
    has_moved = models.BooleanField(_("har flyttat"), default=False)
    moved_to = models.CharField(_("ny kommun eller adress"), max_length=200, blank=True)
    message = models.TextField(_("meddelande"), max_length=1000, blank=True)
    occupation = models.ForeignKey(
        "youth.Occupation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempt = models.OneToOneField(
        ContactAttempt, on_delete=models.PROTECT, null=True, related_name="eservice_submission"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.youth_id} {self.submitted_at:%Y-%m-%d}"
