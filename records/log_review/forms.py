"""The log review's forms: the search of the audit log, the days reviewed and a sample's
finding."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.forms import DateField, date_input, fields_only_helper, submit_helper
from kaa.lib.formfields import declared
from kaa.lib.params import ID_MAX
from kaa.models import AuditEvent, User


class AuditYouthSearchForm(forms.Form):
    """The youth whose events to show, by name or personnummer: sent by POST and kept in the
    session, never in the address (it would land in browser history and server logs)."""

    q = forms.CharField(
        label=_("Ungdom (namn eller personnummer)"), max_length=100, required=False
    )


class AuditFilterForm(forms.Form):
    # The youth's page links here with its id; the page shows the youth's name, not the id.
    youth = forms.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, widget=forms.HiddenInput
    )
    # Set while a POSTed youth search is in force (the text itself stays in the session).
    u = forms.CharField(required=False, max_length=1, widget=forms.HiddenInput)
    staff = forms.ModelChoiceField(
        label=_("Personal"), queryset=User.objects.none(), required=False, empty_label=_("Alla")
    )
    action = forms.ChoiceField(
        label=_("Händelse"),
        required=False,
        choices=[("", _("Alla"))] + list(AuditEvent.Action.choices),
    )
    date_from = DateField(
        label=_("Från och med"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DateField(
        label=_("Till och med"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    flagged = forms.BooleanField(label=_("Bara flaggade"), required=False)

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        declared(self, "staff", forms.ModelChoiceField).queryset = User.objects.filter(
            municipality_id=municipality_id
        ).order_by("first_name", "last_name")
        self.helper = submit_helper(str(_("Sök i loggen")), method="get")
        self.helper.form_class = "row g-3 align-items-end"
        self.helper.disable_csrf = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Slutdatumet ligger före startdatumet."))
        return data


class ReviewPeriodForm(forms.Form):
    """The days the log review looks at, or a sample is drawn from."""

    start = DateField(label=_("Från"), widget=date_input())
    end = DateField(label=_("Till"), widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("Från-datumet ligger efter till-datumet."))
        return data


class SampleReviewForm(forms.Form):
    findings = forms.CharField(
        label=_("Din iakttagelse"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Hade varje läsning ett skäl i arbetet? Notera avvikelser och vad som görs åt dem."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()
