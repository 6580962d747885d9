"""Schools' notifications of students who stopped, risk stopping or are often absent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.models import Municipality
from youth.models import Youth


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

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("elevens hemkommun"),
    )
    kind = models.CharField(_("vad gäller anmälan"), max_length=20, choices=Kind.choices)
    personnummer = models.CharField(_("elevens personnummer"), max_length=13)
    first_name = models.CharField(_("elevens förnamn"), max_length=100)
    last_name = models.CharField(_("elevens efternamn"), max_length=100)
    school = models.CharField(_("skola"), max_length=200)
    programme = models.CharField(_("program"), max_length=200, blank=True)
    event_date = models.DateField(
        _("datum"),
        help_text=_("När eleven slutade, eller sedan när risken eller frånvaron gäller."),
    )
    contact_name = models.CharField(_("kontaktperson på skolan"), max_length=150)
    contact_email = models.EmailField(
        _("kontaktpersonens e-post"),
        max_length=200,
        help_text=_("Hit skickas ett kvitto utan personuppgifter."),
    )
    contact_phone = models.CharField(_("kontaktpersonens telefon"), max_length=30, blank=True)
    message = models.TextField(_("meddelande"), max_length=2000, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=200, blank=True)
    reject_reason = models.CharField(_("skäl"), max_length=300, blank=True)
    youth = models.ForeignKey(
        Youth, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The staff member who handed a school's report on to the coordinators (the preventive-
    # case form, for a student not among the records they may see); such a notice gets no
    # e-mail receipt.
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inskickad av"),
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("anmälan från skola")
        verbose_name_plural = _("anmälningar från skolor")
        indexes = [
            models.Index(
                fields=["municipality", "status", "-received_at"], name="schoolnotice_inbox"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        """The number in the receipt: identifies the notice, says nothing about the student."""
        return f"SK-{self.pk}"
