"""The start page's "Att göra" list: each app answers an htmx fragment of counts, each count a
link to the list it counts (the start page lives in kaa and imports no higher app)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaa.access import Perm, has_perm


@dataclass(frozen=True)
class TodoItem:
    count: int
    label: str  # the sentence after the number, in the count's grammatical number
    url: str
    # Shown as a warning: something late (an overdue task, a report past its deadline).
    urgent: bool = False


def todo_fragment(request: HttpRequest, items: list[TodoItem]) -> HttpResponse:
    """List items for the start page's list; nothing at all when the user counts nothing."""
    return render(request, "partials/_todo_items.html", {"items": items})


def count_fragment(
    request: HttpRequest,
    *,
    perm: Perm,
    count: Callable[[], int],
    label: Callable[[int], str],
    url: str,
) -> HttpResponse:
    """One count for those with `perm` (nothing for anyone else): `count` runs one query,
    `label` gives the words for that number."""
    if not has_perm(request.user, perm):
        return todo_fragment(request, [])
    number = count()
    return todo_fragment(request, [TodoItem(number, label(number), url)])
