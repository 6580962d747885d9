"""Small template helpers shared by every app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def machine_time(value: Any) -> str:
    """A moment for `<time datetime>`: local time to the second with its offset. Django's
    `date:"c"` adds microseconds, which HTML does not allow (at most three digits)."""
    if not isinstance(value, dt.datetime):
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.filter
def fields_with_errors(form: Any) -> list[Any]:
    """The bound fields that have errors, for the error summary at the top of a form."""
    return [field for field in form if field.errors]


@register.simple_tag(takes_context=True)
def draft_for_page(context: template.Context) -> dict[str, Any] | None:
    """What the user had typed when their session expired, if the form is on this page."""
    from kaa.drafts import draft_for_page as take

    request = context.get("request")
    return take(request) if request is not None else None
