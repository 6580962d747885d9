"""Typed access to a model's own fields by name."""

from __future__ import annotations

from django.db import models


def field_label(model: type[models.Model] | models.Model, name: str) -> str:
    """The verbose name of the model's field `name`: a field the model declares itself (the
    type checker also allows reverse relations and generic keys, which have none); any other
    name fails here."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is not a field of its own")
    return str(field.verbose_name)
