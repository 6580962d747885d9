"""The coordinator's decision on extended responsibility: yes or no, nothing chosen
beforehand, and a reason for a no."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.forms import fields_only_helper

YES, NO = "yes", "no"


class UkaaDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Erbjuda utökat aktivitetsansvar?"),
        choices=[
            (YES, _("Ja, erbjud fortsatt stöd till och med dagen före 25-årsdagen")),
            (NO, _("Nej, erbjud inte utökat aktivitetsansvar")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj ja eller nej.")},
    )
    note = forms.CharField(
        label=_("Motivering"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Krävs vid nej. Skriv inga känsliga uppgifter, till exempel om hälsa."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == NO and not str(data.get("note", "")).strip():
            self.add_error("note", _("Skriv varför utökat aktivitetsansvar inte erbjuds."))
        return data
