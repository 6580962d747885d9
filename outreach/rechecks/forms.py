"""The coach's answer to a re-check (the youth's is in outreach/eservice/public/forms.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.forms import fields_only_helper
from outreach.rechecks.models import Answer
from youth.models import OccupationType


class RecheckAnswerForm(forms.Form):
    """No answer is chosen beforehand: the coach says what they learned."""

    answer = forms.ChoiceField(
        label=_("Håller det?"),
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj vad du fick veta.")},
    )
    now_type = forms.ModelChoiceField(
        label=_("Vad gör ungdomen nu?"),
        required=False,
        queryset=OccupationType.objects.filter(is_active=True),
        help_text=_("Fyll i om svaret är att ungdomen nu gör något annat."),
    )
    description = forms.CharField(
        label=_("Var/vad"),
        required=False,
        max_length=200,
        help_text=_("T.ex. skola och program, arbetsgivare."),
    )
    record_occupation = forms.BooleanField(
        label=_("Registrera det som ungdomens sysselsättning (källa: återkontroll)"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == Answer.CHANGED and not data.get("now_type"):
            self.add_error("now_type", _("Välj vad ungdomen gör nu."))
        return data
