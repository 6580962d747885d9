"""The public school notification form, the coordinator's handling of a notice, and staff's
entry of a school's report of a student at risk (preventive case)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.forms import DateField, date_input, fields_only_helper, formfield_bounded
from kaa.lib.formfields import declared
from kaa.models import Municipality
from plans.school.models import SchoolNotification
from plans.school.services import Handling
from youth import personnummer as pnr
from youth.models import Reason


class SchoolNotificationForm(forms.ModelForm):
    class Meta:
        formfield_callback = formfield_bounded
        model = SchoolNotification
        fields = [
            "municipality",
            "kind",
            "personnummer",
            "first_name",
            "last_name",
            "school",
            "programme",
            "event_date",
            "contact_name",
            "contact_email",
            "contact_phone",
            "message",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "event_date": date_input(),
            "message": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }
        help_texts = {"personnummer": _("ÅÅÅÅMMDD-NNNN")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipality = declared(self, "municipality", forms.ModelChoiceField)
        municipality.queryset = Municipality.objects.order_by("name")
        municipality.empty_label = _("Välj kommun")
        declared(self, "kind", forms.ChoiceField).choices = SchoolNotification.Kind.choices
        self.fields["personnummer"].widget.attrs.update(
            {"autocomplete": "off", "inputmode": "numeric"}
        )
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["contact_phone"].widget.attrs["autocomplete"] = "tel"
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length:
                field.widget.attrs.setdefault("maxlength", field.max_length)
        self.helper = fields_only_helper()

    def clean_personnummer(self) -> str:
        try:
            return pnr.parse(self.cleaned_data["personnummer"]).number
        except pnr.PersonnummerError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_event_date(self) -> dt.date:
        day = self.cleaned_data["event_date"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(_("Datumet kan inte ligga i framtiden."))
        if day < today - dt.timedelta(days=366):
            raise forms.ValidationError(
                _("Datumet ligger mer än ett år bakåt; ring oss i stället.")
            )
        return day


HANDLINGS = [
    (Handling.PERIOD, _("Registrera i KAA (eleven har slutat)")),
    (Handling.PREVENTIVE, _("Öppna ett förebyggande ärende med skolan")),
    (Handling.LINK, _("Eleven finns redan i registret: notera anmälan där")),
]


class AcceptForm(forms.Form):
    handling = forms.ChoiceField(
        label=_("Vad ska göras?"), widget=forms.RadioSelect, choices=HANDLINGS
    )
    reason = forms.ModelChoiceField(
        label=_("Registreringsorsak (vid registrering i KAA)"),
        required=False,
        queryset=Reason.objects.filter(kind=Reason.Kind.REGISTRATION, is_active=True),
    )
    start_date = DateField(label=_("Startdatum i KAA"), required=False, widget=date_input())

    def __init__(self, *args: Any, notice: SchoolNotification, known: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()
        stopped = notice.kind == SchoolNotification.Kind.STOPPED
        self.fields["handling"].initial = Handling.PERIOD if stopped else Handling.PREVENTIVE
        self.fields["start_date"].initial = notice.event_date
        if not known:
            declared(self, "handling", forms.ChoiceField).choices = HANDLINGS[:2]


class RejectForm(forms.Form):
    reject_reason = forms.CharField(
        label=_("Skäl"),
        max_length=300,
        help_text=_("T.ex. eleven är inte folkbokförd i kommunen, eller anmälan är en dubblett."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()


class PreventiveForm(forms.Form):
    personnummer = forms.CharField(label=_("Personnummer"), max_length=13)
    first_name = forms.CharField(label=_("Förnamn"), max_length=100)
    last_name = forms.CharField(label=_("Efternamn"), max_length=100)
    phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    school = forms.CharField(label=_("Skola som anmäler"), max_length=200)
    reported_on = DateField(label=_("Anmäld den"), widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["personnummer"].widget.attrs["autocomplete"] = "off"
        self.fields["reported_on"].initial = timezone.localdate()
        self.helper = fields_only_helper()
