"""Template side of the protected-identity rule (youth.register.permissions.locating_data_visible).

`{% locating youth value %}` prints the value (or "–") when the request's user may see what can
locate this youth, and the placeholder otherwise; `{% locating_visible youth as show %}` gives
the decision for a whole block. A template rendered without a request (a PDF made elsewhere)
shows nothing that can locate a protected youth.
"""

from __future__ import annotations

from typing import Any

from django import template

from youth.models import Youth
from youth.register.permissions import PROTECTED_PLACEHOLDER, locating_data_visible

register = template.Library()


def _visible(context: template.Context, youth: Youth) -> bool:
    request = context.get("request")
    if request is None:
        return locating_data_visible(None, youth)
    decided = request.__dict__.setdefault("_locating_visible", {})
    if youth.pk not in decided:
        decided[youth.pk] = locating_data_visible(request, youth)
    return decided[youth.pk]


@register.simple_tag(takes_context=True)
def locating_visible(context: template.Context, youth: Youth) -> bool:
    return _visible(context, youth)


@register.simple_tag(takes_context=True)
def locating(context: template.Context, youth: Youth, value: Any, empty: str = "–") -> Any:
    if not _visible(context, youth):
        return PROTECTED_PLACEHOLDER
    return value if value not in (None, "") else empty


@register.simple_tag
def protected_placeholder() -> str:
    return str(PROTECTED_PLACEHOLDER)
