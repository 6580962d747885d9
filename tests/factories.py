"""The tests' data: the factories and `*_make` helpers of `demo.factories` (shared with the
demo and the benchmarks, ADR 0007), and two helpers only tests need."""

from __future__ import annotations

import time

from demo import factories as shared
from demo.factories import *  # noqa: F403  (the shared factories, re-exported whole)

__all__ = [*shared.__all__, "wait_for", "with_reason"]


def with_reason(client, youth):
    """The stated reason a youth with protected identity needs before it opens (the page then
    shows what can locate the youth)."""
    from django.urls import reverse

    response = client.post(reverse("youth:reason", args=[youth.pk]), {"reason": "case"})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def wait_for(predicate, seconds: float = 60) -> bool:
    """Poll `predicate` until it is true (a worker in another thread or process is busy)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
