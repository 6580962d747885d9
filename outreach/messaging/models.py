"""Outgoing SMS and e-mail, each with an idempotency key."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from youth.models import ScopedByYouth


class OutgoingMessage(models.Model):
    """An SMS or e-mail on its way. The idempotency key goes to the gateway as well, so a
    retried task can never send the same message twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Köad")
        SENDING = "sending", _("Skickas")
        SENT = "sent", _("Skickad")
        FAILED = "failed", _("Misslyckades")

    youth = models.ForeignKey(
        "youth.Youth", on_delete=models.CASCADE, related_name="outgoing_messages"
    )
    task = models.ForeignKey(
        "outreach.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10)  # "sms" or "email"
    recipient = models.CharField(max_length=254)
    to_guardian = models.BooleanField(default=False)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=5000)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # While "sending": which task delivery holds it and until when (a redelivery of the same
    # delivery, after its worker died, takes it over at once; another waits for the lease).
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedByYouth.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="message_status")]

    def __str__(self) -> str:
        return f"{self.channel} {self.status} ({self.pk})"
