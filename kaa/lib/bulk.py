"""Saving many changed rows at once, for jobs that change hundreds of records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import models

CHUNK = 1000


def update_grouped(objects: Sequence[models.Model], fields: list[str], **extra: Any) -> int:
    """Write `fields` (attribute names: `reason_id` for a foreign key) of `objects` as they are
    in memory, with one UPDATE per distinct combination of values, plus `extra` (the same for
    every row, e.g. `version=F("version") + 1`).

    A job's changes mostly share their values (every period closed today ends yesterday), so
    this is one or a few plain UPDATEs where `bulk_update` would build a CASE per row."""
    if not objects:
        return 0
    groups: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for obj in objects:
        groups[tuple(getattr(obj, name) for name in fields)].append(obj.pk)
    manager = type(objects[0])._default_manager
    updated = 0
    for values, pks in groups.items():
        for start in range(0, len(pks), CHUNK):
            updated += manager.filter(pk__in=pks[start : start + CHUNK]).update(
                **dict(zip(fields, values, strict=True)), **extra
            )
    return updated
