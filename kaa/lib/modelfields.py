"""Typed access to a model's own fields by name."""

from __future__ import annotations

from django.db import models


def own_field(model: type[models.Model] | models.Model, name: str) -> models.Field:
    """The model's field `name`, one the model declares itself (the type checker also allows
    reverse relations and generic keys, which have no verbose name or length); any other name
    fails here."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is not a field of its own")
    return field


def field_label(model: type[models.Model] | models.Model, name: str) -> str:
    """The verbose name of the model's own field `name`."""
    return str(own_field(model, name).verbose_name)
