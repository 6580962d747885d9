"""The first step of recording a network meeting: the date and the partners present."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.forms import DateField, date_input, fields_only_helper
from kaa.lib.formfields import declared
from plans.partners.models import Partner


class MeetingStartForm(forms.Form):
    held_on = DateField(label=_("Mötesdatum"), widget=date_input())
    partners = forms.ModelMultipleChoiceField(
        label=_("Deltagande samverkansparter"),
        queryset=Partner.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        declared(self, "partners", forms.ModelChoiceField).queryset = Partner.objects.filter(
            municipality_id=municipality_id, is_active=True
        )
        self.helper = fields_only_helper(method="get")

    def clean_held_on(self) -> Any:
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate() + dt.timedelta(days=60):
            raise forms.ValidationError(_("Välj ett datum inom de närmaste två månaderna."))
        return value
