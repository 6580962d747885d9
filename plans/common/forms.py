"""Form helpers that several sub-domains of plans share. Dates are validated again in the
services; forms keep what was typed."""

from __future__ import annotations

from typing import Any

from django import forms

from kaa.forms import date_input
from kaa.models import Role, User

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def date_inputs(form: forms.BaseForm) -> None:
    """Every date field of the form gets the date picker."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            field.widget = date_input()


def case_staff(municipality_id: int | None) -> Any:
    """The municipality's active coaches and coordinators: who may hold a conversation, be
    a plan's case worker or be responsible for an intervention. Nobody for a user of no
    municipality."""
    if municipality_id is None:
        return User.objects.none()
    return User.objects.filter(
        municipality_id=municipality_id, is_active=True, role__in=(Role.COACH, Role.COORDINATOR)
    ).order_by("first_name", "last_name")
