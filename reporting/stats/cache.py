"""A short-lived cache of the dashboard's sections.

On a national-scale database (60,000 youths, 2,000,000 contacts) a cold dashboard takes
seconds (bench/RESULTS.md); people open the same month many times a day. Results are kept for
`KAA_STATS_CACHE_SECONDS` (default 10 minutes; 0 turns it off) per municipality, team, span,
suppression and language, and the page says when they were counted and offers a recount. A
cache that is down (e.g. Redis) only costs the speed-up, never the page."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from reporting.stats.definitions import Scope
from reporting.stats.present import Section, sections

log = logging.getLogger(__name__)


# Bumped when what a protected section shows changes, so no cached section of the old kind
# is served after an upgrade.
KEY_VERSION = 2


def _key(scope: Scope, keys: list[str], suppress: bool) -> str:
    return ":".join(
        str(part)
        for part in (
            "kaa-stats",
            KEY_VERSION,
            scope.municipality_id,
            scope.team_id or "-",
            scope.span.kind,
            scope.start,
            scope.end,
            int(suppress),
            get_language(),
            hash(tuple(keys)),
        )
    )


def cached_sections(
    scope: Scope, keys: list[str], *, suppress: bool, fresh: bool = False
) -> tuple[list[Section], dt.datetime]:
    seconds = int(getattr(settings, "KAA_STATS_CACHE_SECONDS", 600))
    key = _key(scope, keys, suppress)
    if seconds and not fresh:
        try:
            hit = cache.get(key)
        except Exception:  # noqa: BLE001 - a broken cache must not break the page
            log.warning("statistics cache unavailable", exc_info=True)
            hit = None
        if hit is not None:
            return hit
    result = (sections(scope, keys, suppress=suppress), timezone.now())
    if seconds:
        try:
            cache.set(key, result, seconds)
        except Exception:  # noqa: BLE001
            log.warning("statistics cache unavailable", exc_info=True)
    return result
