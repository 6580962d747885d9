"""Forms of home visits: planning one, its outcome, and who is on duty."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.forms import DateField, date_input, fields_only_helper
from kaa.models import Role, User
from outreach.homevisits.models import HomeVisit
from outreach.homevisits.services import outcome_choices, second_staff_choices


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class PlanForm(forms.Form):
    second_staff = StaffChoiceField(
        label=_("Andra personal (alltid två)"), queryset=User.objects.none()
    )
    day = DateField(label=_("Datum"), widget=date_input())
    start = forms.TimeField(
        label=_("Från klockan"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("Till klockan"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.ChoiceField(
        label=_("Var"), choices=HomeVisit.Place.choices, widget=forms.RadioSelect
    )
    place_note = forms.CharField(
        label=_("Annan plats: var ni ska träffas"), max_length=200, required=False
    )

    def __init__(self, *args: Any, staff: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(StaffChoiceField, self.fields["second_staff"]).queryset = second_staff_choices(staff)
        self.helper = fields_only_helper()

    def clean_day(self) -> Any:
        value = self.cleaned_data["day"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("Datumet har redan passerat."))
        return value

    def window(self) -> tuple[dt.datetime, dt.datetime]:
        """The window in Swedish local time (the server's time zone)."""
        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(data["day"], data["start"], tzinfo=tz)
        end = dt.datetime.combine(data["day"], data["end"], tzinfo=tz)
        return start, end


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Vad hände vid besöket?"),
        choices=outcome_choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Kort notering"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()


class DutyForm(forms.Form):
    coordinator = StaffChoiceField(
        label=_("Samordnare i tjänst för larm vid hembesök"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Ingen utsedd: alla samordnare i kommunen får larmet"),
    )

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(StaffChoiceField, self.fields["coordinator"]).queryset = User.objects.filter(
            is_active=True, role=Role.COORDINATOR, municipality_id=municipality_id
        ).order_by("first_name", "last_name")
        self.helper = fields_only_helper()
