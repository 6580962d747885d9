"""The coach's form for an e-service answer (the youth's own forms are in public/forms.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.forms import fields_only_helper
from youth.models import OccupationType


class EserviceReviewForm(forms.Form):
    """The coach's review of an e-service answer: confirm the occupation, perhaps exactly."""

    confirm = forms.BooleanField(
        label=_("Bekräfta sysselsättningen"), required=False, initial=True
    )
    occupation_type = forms.ModelChoiceField(
        label=_("Sysselsättning (välj en mer exakt om du vet)"),
        required=False,
        queryset=OccupationType.objects.filter(is_active=True),
    )

    def __init__(self, *args: Any, submission: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()
        occupation = submission.occupation
        if occupation is None or occupation.confirmed:
            del self.fields["confirm"], self.fields["occupation_type"]
        else:
            self.fields["occupation_type"].initial = occupation.type_id
