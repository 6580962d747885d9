"""A list that refreshes itself while something ordered in the background is being made (an
SCB file, a board report): the order notes in the session how many rows the list had, and
the list's fragment asks again every few seconds until there are more."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kaa.lib.params import int_param

# Asks again every 3 s for two minutes at most: an open page must not keep the session alive
# for ever (each answer counts as activity) if the workers are down.
POLLS = 40


def wait_start(request: HttpRequest, key: str, rows_now: int) -> None:
    request.session[f"waiting:{key}"] = rows_now


def wait_state(request: HttpRequest, key: str, rows_now: int) -> dict[str, Any]:
    """`pending`: ask again (the list has no new row yet); `waited`: asked long enough, say
    so; `done`: the new row came with this answer; `next`: the count for the next ask."""
    started = request.session.get(f"waiting:{key}")
    pending = started is not None and rows_now <= started
    if started is not None and not pending:
        del request.session[f"waiting:{key}"]
    asked = int_param(request.GET, "n", 0) or 0
    return {
        "pending": pending and asked < POLLS,
        "waited": pending and asked >= POLLS,
        "done": started is not None and not pending,
        "next": asked + 1,
    }
