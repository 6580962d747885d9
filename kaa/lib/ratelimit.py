"""Fixed-window rate limits for the public pages (e-forms), counted in Redis.

Every public form counts each request under a few keys (the client address, the code in
use, ...) and refuses once one of them is over its limit for the window. Redis is shared by
all workers, so the limit holds however many processes serve the site; the embedded demo,
which has no Redis, counts in Django's cache instead (one process).

If Redis cannot be reached the limit is not applied (logged): the public forms stay usable
during an outage, and what protects the codes themselves, the lockout after wrong birth
dates, is kept in the database.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    scope: str  # e.g. "eform-ip"
    count: int  # requests allowed ...
    seconds: int  # ... per window of this many seconds


@lru_cache(maxsize=4)
def _redis(url: str = "") -> redis.Redis:
    """One client per URL (the setting's when none is given), so that a changed setting
    takes effect."""
    import redis

    return redis.Redis.from_url(
        url or settings.KAA_RATELIMIT_REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5
    )


def _key(limit: Limit, value: str) -> str:
    # Hashed: the keys hold addresses and codes, which have no business in Redis in clear.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{value}".encode()).hexdigest()[:32]
    return f"{settings.KAA_RATELIMIT_PREFIX}:{limit.scope}:{digest}"


def _incr(key: str, seconds: int) -> int:
    if not settings.KAA_RATELIMIT_REDIS_URL:
        cache.add(key, 0, seconds)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, seconds)
            return 1
    pipe = _redis(settings.KAA_RATELIMIT_REDIS_URL).pipeline()
    pipe.incr(key)
    pipe.expire(key, seconds, nx=True)
    count, _ = pipe.execute()
    return int(count)


def hit(limits: list[tuple[Limit, str]]) -> bool:
    """Count one request under each (limit, value); True if all are within their limits."""
    allowed = True
    for limit, value in limits:
        if not value:
            continue
        try:
            count = _incr(_key(limit, value), limit.seconds)
        except Exception:  # Redis down: fail open, see the module docstring
            log.warning(
                "ratelimit: counter unavailable, %s not applied", limit.scope, exc_info=True
            )
            continue
        if count > limit.count:
            allowed = False
    return allowed


def reset(limit: Limit, value: str) -> None:
    """Forget one counter (tests, and an administrator lifting a block)."""
    key = _key(limit, value)
    if settings.KAA_RATELIMIT_REDIS_URL:
        _redis(settings.KAA_RATELIMIT_REDIS_URL).delete(key)
    else:
        cache.delete(key)


def count_up(limit: Limit, value: str) -> int:
    """Count one event under (limit, value) and return the count in the current window (0 if
    the counter cannot be reached: fail open, as `hit`)."""
    try:
        return _incr(_key(limit, value), limit.seconds)
    except Exception:  # Redis down: see the module docstring
        log.warning("ratelimit: counter unavailable, %s not counted", limit.scope, exc_info=True)
        return 0


def current(limit: Limit, value: str) -> tuple[int, int]:
    """The count under (limit, value) without counting, and the seconds left of its window
    ((0, 0) if the counter cannot be reached)."""
    key = _key(limit, value)
    try:
        if not settings.KAA_RATELIMIT_REDIS_URL:
            return int(cache.get(key) or 0), limit.seconds
        pipe = _redis(settings.KAA_RATELIMIT_REDIS_URL).pipeline()
        pipe.get(key)
        pipe.ttl(key)
        count, ttl = pipe.execute()
    except Exception:  # Redis down: see the module docstring
        log.warning("ratelimit: counter unavailable, %s not read", limit.scope, exc_info=True)
        return 0, 0
    return int(count or 0), int(ttl) if ttl and ttl > 0 else limit.seconds
