"""Typed access to a form's declared fields."""

from __future__ import annotations

from typing import TypeVar

from django import forms

F = TypeVar("F", bound=forms.Field)


def declared(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's field `name`, which the form class declares as a `kind` (the type checker
    sees every field as a plain Field); a form changed so that it no longer is fails here."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is {type(field).__name__}, not {kind}")
    return field


# What a user's label (`User.__str__`: the full name, else the username) is made of.
USER_LABEL_FIELDS = ("id", "first_name", "last_name", "username")


class UserLabelIterator(forms.models.ModelChoiceIterator):
    """A select's users read with only the fields of their label: a large municipality has
    hundreds of coaches in each such select, each otherwise a whole user row (and its team,
    where the field's queryset joins it for the form's own use)."""

    def __init__(self, field: forms.ModelChoiceField) -> None:
        super().__init__(field)
        if field.queryset is not None:
            self.queryset = field.queryset.select_related(None).only(*USER_LABEL_FIELDS)


class UserChoiceField(forms.ModelChoiceField):
    """A choice of one user, labelled with `User.__str__`. The chosen user is read whole, by
    the field's own queryset."""

    iterator = UserLabelIterator
