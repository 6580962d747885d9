from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaa.forms import DateField, date_input, fields_only_helper
from reporting.retention import minimum_refused
from reporting.scb.periods import HalfYear


class PeriodForm(forms.Form):
    period = forms.CharField(label=_("Halvår"), max_length=20,
                             help_text=_("Skriv t.ex. 2026H2 för juli–december 2026."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()

    def clean_period(self) -> HalfYear:
        return HalfYear.parse(self.cleaned_data["period"])


class BuildForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Skäl att skapa filen trots blockerande fel"), max_length=300, required=False,
        help_text=_("Lämna tomt om det inte finns några blockerande fel. Skälet loggas."))

    def __init__(self, *args: Any, blocking: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.blocking = blocking
        self.helper = fields_only_helper()

    def clean_override_reason(self) -> str:
        reason = self.cleaned_data["override_reason"].strip()
        if self.blocking and not reason:
            raise ValidationError(
                _("Det finns %(n)s blockerande fel. Rätta dem först, eller ange varför filen "
                  "ska skapas ändå.") % {"n": self.blocking})
        return reason


class VerifyForm(forms.Form):
    note = forms.CharField(
        label=_("Jämförd med"), max_length=300,
        help_text=_("Vilka av SCB:s dokument du har jämfört profilen med, t.ex. "
                    "”Datafilsbeskrivning och kodförteckning 2026H2”."))
    confirm = forms.BooleanField(
        label=_("Jag har jämfört kolumner, ordning, koder och filformat med SCB:s dokument."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()


class StatsPeriodForm(forms.Form):
    """The dashboard's and the board reports' choice of period and team (GET)."""

    kind = forms.ChoiceField(label=_("Period"), choices=[])
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    number = forms.IntegerField(
        label=_("Nummer"), min_value=1, max_value=12, required=False,
        help_text=_("Månad 1–12, tertial 1–3 eller halvår 1–2. Läsår: året det börjar."))
    start = DateField(label=_("Från"), required=False, widget=date_input())
    end = DateField(label=_("Till"), required=False, widget=date_input())
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False,
                                  empty_label=_("Hela kommunen"))

    def __init__(self, *args: Any, municipality_id: int | None = None,
                 with_team: bool = True, custom_range: bool = True, **kwargs: Any) -> None:
        from kaa.models import Team
        from reporting.stats.periods import KINDS

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, v) for k, v in KINDS.items()
                                       if custom_range or k != "range"]
        if not custom_range:
            # Protected figures are asked for preset periods only, all unions of whole
            # calendar months (the reasons are in reporting.stats.suppress).
            self.fields["kind"].error_messages["invalid_choice"] = _(
                "Statistik utan exakta antal visas för hela månader: välj månad, tertial, "
                "halvår, läsår eller kalenderår. Valfria datum kan inte väljas.")
            del self.fields["start"], self.fields["end"]
        self.fields["team"].queryset = Team.objects.filter(municipality_id=municipality_id)
        if not with_team:
            del self.fields["team"]
        self.helper = fields_only_helper()

    def clean(self) -> dict[str, Any]:
        from reporting.stats.periods import date_range, span_numbered

        data = super().clean()
        kind, year, number = data.get("kind"), data.get("year"), data.get("number") or 1
        if kind is None or (year is None and kind != "range"):
            return data
        if kind == "range":
            if not data.get("start") or not data.get("end"):
                raise ValidationError(_("Ange både från- och tilldatum för valfria datum."))
            data["span"] = date_range(data["start"], data["end"])
        else:
            data["span"] = span_numbered(kind, year, number)
        return data


class BoardReportForm(forms.Form):
    """Which board report to generate: the kind and its period (month, tertial, half, year)."""

    report = forms.ChoiceField(label=_("Rapport"), choices=[])
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    number = forms.IntegerField(
        label=_("Nummer"), min_value=1, max_value=12, required=False,
        help_text=_("Månad 1–12 för månadsstatistik, tertial 1–3, halvår 1–2; tomt för år."))
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False,
                                  empty_label=_("Hela kommunen"))

    def __init__(self, *args: Any, municipality_id: int | None = None, **kwargs: Any) -> None:
        from django.utils import timezone

        from kaa.models import Team
        from reporting.models import BoardReport

        today = timezone.localdate()
        kwargs.setdefault("initial", {"report": "monthly", "year": today.year,
                                      "number": today.month})
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = BoardReport.Kind.choices
        self.fields["team"].queryset = Team.objects.filter(municipality_id=municipality_id)
        self.helper = fields_only_helper()

    def clean(self) -> dict[str, Any]:
        from reporting.services_stats import SPAN_OF_KIND
        from reporting.stats.periods import span_numbered

        data = super().clean()
        kind, year = data.get("report"), data.get("year")
        if kind is None or year is None:
            return data
        data["span"] = span_numbered(SPAN_OF_KIND[kind], year, data.get("number") or 1)
        return data


class RetentionPolicyForm(forms.Form):
    """One record type's gallring policy; a time shorter than KAA's own minimum is saved only
    when the coordinator confirms that the municipality's decision allows it."""

    months = forms.IntegerField(
        label=_("Gallras efter (månader)"), min_value=1, max_value=1200, required=False,
        help_text=_("Lämna tomt om uppgifterna ska bevaras (inget gallringsbeslut)."))
    decision = forms.CharField(
        label=_("Gallringsbeslut"), max_length=200, required=False,
        help_text=_("Var beslutet finns, t.ex. dokumenthanteringsplanens nummer och paragraf."))
    below_minimum_ok = forms.BooleanField(
        label=_("Kommunens gallringsbeslut medger en kortare tid än KAA:s lägsta tid"),
        required=False)

    def __init__(self, *args: Any, rule: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule
        if not rule.overridable:  # no decision makes this record type's time shorter
            del self.fields["below_minimum_ok"]
        self.helper = fields_only_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        months = data.get("months")
        if months is not None and not (data.get("decision") or "").strip():
            self.add_error("decision", _("Ange gallringsbeslutet som tiden bygger på."))
        if months is not None and months < self.rule.minimum_months and not self.rule.overridable:
            self.add_error("months", minimum_refused(self.rule))
        elif (months is not None and months < self.rule.minimum_months
                and not data.get("below_minimum_ok")):
            self.add_error("months", _(
                "Varning: %(m)s månader är kortare än KAA:s lägsta tid, %(min)s månader. "
                "%(why)s Kryssa i rutan nedan om kommunens gallringsbeslut ändå medger det.")
                % {"m": months, "min": self.rule.minimum_months,
                   "why": self.rule.minimum_reason})
        return data
