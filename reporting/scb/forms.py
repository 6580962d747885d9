"""The SCB pages' forms: the half-year to open, the reason to build a file despite blocking
problems, and the comparison of a profile with SCB's documents."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaa.forms import fields_only_helper
from reporting.scb.periods import HalfYear


class HalfYearForm(forms.Form):
    period = forms.CharField(
        label=_("Halvår"), max_length=20, help_text=_("Skriv t.ex. 2026H2 för juli–december 2026.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()

    def clean_period(self) -> HalfYear:
        return HalfYear.parse(self.cleaned_data["period"])


class BuildForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Skäl att skapa filen trots blockerande fel"),
        max_length=300,
        required=False,
        help_text=_("Lämna tomt om det inte finns några blockerande fel. Skälet loggas."),
    )

    def __init__(self, *args: Any, blocking: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.blocking = blocking
        self.helper = fields_only_helper()

    def clean_override_reason(self) -> str:
        reason = self.cleaned_data["override_reason"].strip()
        if self.blocking and not reason:
            raise ValidationError(
                _(
                    "Det finns %(n)s blockerande fel. Rätta dem först, eller ange varför filen "
                    "ska skapas ändå."
                )
                % {"n": self.blocking}
            )
        return reason


class VerifyForm(forms.Form):
    note = forms.CharField(
        label=_("Jämförd med"),
        max_length=300,
        help_text=_(
            "Vilka av SCB:s dokument du har jämfört profilen med, t.ex. "
            "”Datafilsbeskrivning och kodförteckning 2026H2”."
        ),
    )
    confirm = forms.BooleanField(
        label=_("Jag har jämfört kolumner, ordning, koder och filformat med SCB:s dokument.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()
