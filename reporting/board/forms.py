"""Which board report to build."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.forms import fields_only_helper
from kaa.lib.formfields import declared

if TYPE_CHECKING:
    from kaa.models import Team


class BoardReportForm(forms.Form):
    """Which board report to generate: the kind and its period (month, tertial, half, year)."""

    report = forms.ChoiceField(label=_("Rapport"), choices=[])
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    number = forms.IntegerField(
        label=_("Nummer"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("Månad 1–12 för månadsstatistik, tertial 1–3, halvår 1–2; tomt för år."),
    )
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False, empty_label=_("Hela kommunen")
    )

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        from django.utils import timezone

        from kaa.models import Team
        from reporting.board.models import BoardReport

        today = timezone.localdate()
        kwargs.setdefault(
            "initial", {"report": "monthly", "year": today.year, "number": today.month}
        )
        super().__init__(*args, **kwargs)
        report = declared(self, "report", forms.ChoiceField)
        team = declared(self, "team", forms.ModelChoiceField)
        report.choices = BoardReport.Kind.choices
        team.queryset = Team.objects.filter(municipality_id=municipality_id)
        self.helper = fields_only_helper()

    def clean(self) -> dict[str, Any]:
        from reporting.board.services import SPAN_OF_KIND
        from reporting.stats.periods import span_numbered

        super().clean()
        data = self.cleaned_data
        kind, year = data.get("report"), data.get("year")
        if kind is None or year is None:
            return data
        data["span"] = span_numbered(SPAN_OF_KIND[kind], year, data.get("number") or 1)
        return data
