"""The mapping conversation form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from kaa.forms import fields_only_helper, formfield_bounded
from kaa.lib.formfields import declared
from kaa.models import User
from plans.common.forms import TEXTAREA, case_staff, date_inputs
from plans.conversations.models import MappingConversation
from youth.models import OccupationType


class ConversationForm(forms.ModelForm):
    class Meta:
        formfield_callback = formfield_bounded
        model = MappingConversation
        fields = [
            "held_on",
            "conducted_by",
            "contact_person",
            "school_status",
            "school_name",
            "programme",
            "why_not_in_school",
            "what_would_have_helped",
            "occupation_type",
            "occupation_description",
            "future_thoughts",
            "needs",
            "would_study_again",
        ]
        widgets = {
            name: TEXTAREA
            for name in ("why_not_in_school", "what_would_have_helped", "future_thoughts", "needs")
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        date_inputs(self)
        self.fields["held_on"].initial = timezone.localdate()
        conducted_by_field = declared(self, "conducted_by", forms.ModelChoiceField)
        conducted_by_field.queryset = case_staff(user.municipality_id)
        self.fields["conducted_by"].initial = user.pk
        occupation_type_field = declared(self, "occupation_type", forms.ModelChoiceField)
        occupation_type_field.queryset = OccupationType.objects.filter(is_active=True)
        self.fields["would_study_again"].widget = forms.RadioSelect(
            choices=MappingConversation.StudyAgain.choices
        )
        self.helper = fields_only_helper()
