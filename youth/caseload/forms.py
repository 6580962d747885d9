"""Forms of the caseload: assign a coach, hand a caseload over."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.forms import fields_only_helper
from kaa.lib.formfields import UserChoiceField, declared
from kaa.models import User

_helper = fields_only_helper


class AssignForm(forms.Form):
    coach = UserChoiceField(
        label=_("Coach"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Ingen coach"),
    )
    # The coach the youth had when the form was opened (0: none): a colleague's assignment
    # made meanwhile is not silently replaced (kaa.versioning's rule for this one field).
    was = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        declared(self, "coach", forms.ModelChoiceField).queryset = (
            User.objects.filter(
                municipality_id=municipality_id, is_active=True, role__in=["coach", "coordinator"]
            )
            .select_related("team")
            .order_by("first_name", "last_name")
        )
        self.helper = _helper()

    def clean_was(self) -> int:
        """A POST without `was` is stale, never a blind reassignment (no coach id is -1)."""
        was = self.cleaned_data.get("was")
        return -1 if was is None else was


class HandOverForm(forms.Form):
    from_coach = UserChoiceField(label=_("Från coach"), queryset=User.objects.none())
    to_coach = UserChoiceField(label=_("Till coach"), queryset=User.objects.none())

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(
            municipality_id=municipality_id, role__in=["coach", "coordinator"]
        ).order_by("first_name")
        declared(self, "from_coach", forms.ModelChoiceField).queryset = staff
        declared(self, "to_coach", forms.ModelChoiceField).queryset = staff.filter(is_active=True)
        self.helper = _helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from_coach") and data.get("from_coach") == data.get("to_coach"):
            self.add_error("to_coach", _("Välj en annan coach än den som lämnar."))
        return data
