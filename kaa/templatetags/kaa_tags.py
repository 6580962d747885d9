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


@register.filter
def phone_uri(number: str | None) -> str:
    """A Swedish phone number as written ("070-123 45 67", "+46 70 123 45 67",
    "0046 70…") in the international form a `tel:` or `sms:` link dials: "+46701234567".
    Empty when there are no digits."""
    text = (number or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        return ""
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return "+46" + digits[1:]
    return digits
