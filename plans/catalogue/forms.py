"""The form of one entry of the intervention catalogue."""

from __future__ import annotations

from typing import Any

from django import forms

from kaa.forms import fields_only_helper
from plans.catalogue.models import InterventionType


class InterventionTypeForm(forms.ModelForm):
    class Meta:
        model = InterventionType
        fields = ["name", "description", "measure_code", "is_active", "sort_order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()
