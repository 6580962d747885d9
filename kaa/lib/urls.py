"""Addresses of many rows at the cost of one `reverse`: a list page links every row to the same
named URL with its own id, and `reverse` (resolver look-up, argument checks, quoting) costs
more than the rest of the row's rendering."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

_MARK = 987654321987  # an id no address of this project contains otherwise


def url_for_ids(name: str) -> Callable[[int], str]:
    """`lambda pk: reverse(name, args=[pk])`, reversed once with a marker id that each call
    replaces (the same address: an integer id needs no quoting)."""
    pattern = reverse(name, args=[_MARK])
    parts = pattern.split(str(_MARK))
    if len(parts) != 2:  # the marker is not unique in the address: reverse each one
        return lambda pk: reverse(name, args=[pk])
    head, tail = parts
    return lambda pk: f"{head}{int(pk)}{tail}"
