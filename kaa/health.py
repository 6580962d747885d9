"""Dependency checks for /healthz: the database and the broker, without personal data."""

from __future__ import annotations

import hmac
import socket
from urllib.parse import urlparse

from django.conf import settings
from django.db import connection
from django.http import HttpRequest


def monitoring_authorised(request: HttpRequest) -> bool:
    """Does the request present the monitoring token (`Authorization: Bearer <token>`)?
    Compared in constant time; with no token configured nobody is."""
    return bearer_matches(request, settings.KAA_HEALTHZ_TOKEN)


def bearer_matches(request: HttpRequest, token: str) -> bool:
    """Does the request present `Authorization: Bearer <token>`? Compared in constant time;
    an empty `token` matches nothing."""
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode(), token.encode())


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001  any failure means "down"
        return False


def broker_ok(timeout: float = 1.0) -> bool:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://") or settings.CELERY_TASK_ALWAYS_EAGER and not url:
        return True
    if not url.startswith(("redis://", "rediss://")):
        return _tcp_ok(url, timeout)
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        return bool(client.ping())
    except redis.RedisError:
        return False


def _tcp_ok(url: str, timeout: float) -> bool:
    parsed = urlparse(url)
    if not parsed.hostname or not parsed.port:
        return False
    try:
        with socket.create_connection((parsed.hostname, parsed.port), timeout=timeout):
            return True
    except OSError:
        return False
