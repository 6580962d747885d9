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
