"""Typed access to a form's declared fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from django import forms

F = TypeVar("F", bound=forms.Field)


def declared(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's field `name`, which the form class declares as a `kind` (the type checker
    sees every field as a plain Field); a form changed so that it no longer is fails here."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is {type(field).__name__}, not {kind}")
    return field


# What a user's label (`User.label_of`, as `User.__str__`) is made of.
USER_LABEL_FIELDS = ("id", "first_name", "last_name", "username")


class UserLabelIterator(forms.models.ModelChoiceIterator):
    """A select's users read as tuples of the fields of their label, not as model instances:
    a large municipality has hundreds of coaches in each such select, each otherwise a whole
    user row (and its team, where the field's queryset joins it for the form's own use). An
    option's value is the bare id: no widget of KAA reads an option's instance."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        label_of = self.queryset.model.label_of
        rows = self.queryset.select_related(None).values_list(*USER_LABEL_FIELDS)
        for pk, first_name, last_name, username in rows:
            yield (pk, label_of(first_name, last_name, username))


class UserChoiceField(forms.ModelChoiceField):
    """A choice of one user by id, labelled as `User.__str__`. The chosen user is read whole,
    by the field's own queryset."""

    iterator = UserLabelIterator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("to_field_name"):
            raise TypeError("UserChoiceField chooses by id: its options carry the id alone")
        super().__init__(*args, **kwargs)
