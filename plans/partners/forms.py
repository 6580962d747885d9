"""The form of one partner organisation."""

from __future__ import annotations

from typing import Any

from django import forms

from kaa.forms import fields_only_helper
from plans.partners.models import Partner


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()
