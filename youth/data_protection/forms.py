"""Forms of the GDPR page and of the reason step before a protected youth is opened."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.forms import DateField, date_input, fields_only_helper

DATE = date_input()


class RestrictionForm(forms.Form):
    received_on = DateField(label=_("Begäran mottagen"), widget=DATE)
    reason = forms.CharField(
        label=_("Skäl"),
        max_length=300,
        help_text=_(
            "T.ex. ungdomen bestrider att uppgifterna är riktiga, eller har invänt mot "
            "behandlingen."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        self.helper = fields_only_helper()


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("Varför hävs begränsningen?"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()


class ErasureForm(forms.Form):
    received_on = DateField(label=_("Begäran mottagen"), widget=DATE)
    decision = forms.CharField(
        label=_("Svar till den som begärde radering"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from youth.data_protection.services import ERASURE_ANSWER

        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["decision"].initial = str(ERASURE_ANSWER)
        self.helper = fields_only_helper()


class ReasonForm(forms.Form):
    REASONS = [
        ("case", _("Jag handlägger ärendet")),
        ("contact", _("Kontakt med ungdomen eller vårdnadshavare")),
        ("coordination", _("Samordning eller fördelning av ärenden")),
        ("other", _("Annat skäl (skriv nedan)")),
    ]
    reason = forms.ChoiceField(
        label=_("Varför öppnar du uppgifterna?"), choices=REASONS, widget=forms.RadioSelect
    )
    detail = forms.CharField(label=_("Förklaring"), max_length=150, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == "other" and not (data.get("detail") or "").strip():
            self.add_error("detail", _("Skriv skälet."))
        return data

    def as_text(self) -> str:
        label = dict(self.REASONS)[self.cleaned_data["reason"]]
        detail = (self.cleaned_data.get("detail") or "").strip()
        return f"{label}: {detail}" if detail else str(label)
