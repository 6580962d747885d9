"""The form of the youth's name and contact details."""

from __future__ import annotations

from typing import Any

from django import forms

from kaa.forms import fields_only_helper
from kaa.versioning import VersionedFormMixin
from youth.register.models import Youth

_helper = fields_only_helper


class YouthContactForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Youth
        fields = [
            "first_name",
            "last_name",
            "address",
            "postal_code",
            "city",
            "phone",
            "phone_alt",
            "email",
            "former_school",
        ]

    def __init__(self, *args: Any, hide_locating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if hide_locating:
            # Protected identity (youth.register.permissions.locating_data_visible): the fields are
            # not in the form at all, so their values are neither shown nor changed.
            for name in Youth.LOCATING_FIELDS:
                del self.fields[name]
        self.helper = _helper()
