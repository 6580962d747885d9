"""Small template helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def fields_with_errors(form: Any) -> list[Any]:
    """The bound fields that have errors, for the error summary at the top of a form."""
    return [field for field in form if field.errors]
