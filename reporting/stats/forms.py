"""The statistics pages' choice of period and team."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaa.forms import DateField, date_input, fields_only_helper
from kaa.lib.formfields import declared

if TYPE_CHECKING:
    from kaa.models import Team


class StatsPeriodForm(forms.Form):
    """The dashboard's and the board reports' choice of period and team (GET)."""

    kind = forms.ChoiceField(label=_("Period"), choices=[])
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    number = forms.IntegerField(
        label=_("Nummer"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("Månad 1–12, tertial 1–3 eller halvår 1–2. Läsår: året det börjar."),
    )
    start = DateField(label=_("Från"), required=False, widget=date_input())
    end = DateField(label=_("Till"), required=False, widget=date_input())
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False, empty_label=_("Hela kommunen")
    )

    def __init__(
        self,
        *args: Any,
        municipality_id: int,
        with_team: bool = True,
        custom_range: bool = True,
        **kwargs: Any,
    ) -> None:
        from kaa.models import Team
        from reporting.stats.periods import KINDS

        super().__init__(*args, **kwargs)
        kind = declared(self, "kind", forms.ChoiceField)
        team = declared(self, "team", forms.ModelChoiceField)
        kind.choices = [(k, v) for k, v in KINDS.items() if custom_range or k != "range"]
        if not custom_range:
            # Protected figures are asked for preset periods only, all unions of whole
            # calendar months (the reasons are in reporting.stats.suppress).
            kind.error_messages["invalid_choice"] = _(
                "Statistik utan exakta antal visas för hela månader: välj månad, tertial, "
                "halvår, läsår eller kalenderår. Valfria datum kan inte väljas."
            )
            del self.fields["start"], self.fields["end"]
        team.queryset = Team.objects.filter(municipality_id=municipality_id)
        if not with_team:
            del self.fields["team"]
        self.helper = fields_only_helper()

    def clean(self) -> dict[str, Any]:
        from reporting.stats.periods import date_range, span_numbered

        super().clean()
        data = self.cleaned_data
        kind, year, number = data.get("kind"), data.get("year"), data.get("number") or 1
        if kind == "range":
            if not data.get("start") or not data.get("end"):
                raise ValidationError(_("Ange både från- och tilldatum för valfria datum."))
            data["span"] = date_range(data["start"], data["end"])
        elif kind is not None and year is not None:
            data["span"] = span_numbered(kind, year, number)
        return data
