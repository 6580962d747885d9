"""Forms of the routine editor: the routine's settings and one form per step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.forms import fields_only_helper
from kaa.versioning import VersionedFormMixin
from outreach.routine.models import RoutineStep


class RoutineForm(VersionedFormMixin, forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=100)
    retry_after_days = forms.IntegerField(
        label=_("Nytt försök efter (dagar)"), min_value=1, max_value=365
    )
    concern_after_attempts = forms.IntegerField(
        label=_("Överväg orosanmälan efter antal försök utan resultat (under 18, 0 = av)"),
        min_value=0,
        max_value=20,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()


class StepForm(forms.ModelForm):
    class Meta:
        model = RoutineStep
        fields = [
            "order",
            "title",
            "channel",
            "instructions",
            "offset_value",
            "offset_unit",
            "anchor",
            "requires_phone",
            "only_if_not_reached",
            "guardian_if_under_18",
            "only_under_18",
            "min_failed_attempts",
            "two_staff",
        ]


StepFormSet = forms.formset_factory(StepForm, extra=2, can_delete=True)
