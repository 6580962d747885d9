"""Do a request's work once, however often it is delivered.

The row the work makes carries the request's key in a unique `request_key` column: a second
delivery finds the row and does nothing, and two deliveries at the same moment meet at the
unique constraint, where the loser finds the winner's row. Any other integrity error is
raised as it is, never taken for "already done".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

T = TypeVar("T")


class AlreadyDone(Exception):
    """The work of this request was done before; `existing` is the row it made."""

    def __init__(self, existing: models.Model) -> None:
        super().__init__(f"already done: {existing._meta.label} {existing.pk}")
        self.existing = existing


def once(
    model: type[models.Model],
    key: Any,
    work: Callable[[], T],
    *,
    key_field: str = "request_key",
    **lookup: Any,
) -> T:
    """Run `work` unless a `model` row with `key_field=key` (and `lookup`) exists; then raise
    AlreadyDone with that row. Without a key the work always runs."""
    if not key:
        return work()
    rows = model._default_manager.filter(**{key_field: key}, **lookup)
    earlier = rows.first()
    if earlier is not None:
        raise AlreadyDone(earlier)
    try:
        with transaction.atomic():
            return work()
    except IntegrityError:
        earlier = rows.first()
        if earlier is None:
            raise
        raise AlreadyDone(earlier) from None
