"""A transactional outbox for Celery tasks.

`enqueue("app.tasks.name", *args)` inside a transaction writes an OutboxItem in that same
transaction. After the commit the item is published to the broker; if the transaction rolls
back there is no item and nothing is sent. If the broker is down at commit time the request
still succeeds: the item stays unpublished and `outbox_sweep` (every minute, kaa.schedule)
publishes it when the broker is back. An item is claimed by a conditional UPDATE (a lease of a
few minutes) before it is sent, so the commit hook and a sweeper (or two sweepers) do not
publish it twice, and marked published only once the broker has taken it; a claim left by a
process that died lapses and the item is sent again. The tasks are idempotent, for that case
and for the broker's own redelivery.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError as KombuOperationalError

from kaa.models import OutboxItem

log = logging.getLogger(__name__)
SWEEP_AFTER = dt.timedelta(seconds=30)  # give the commit hook its chance first
LEASE = dt.timedelta(minutes=2)  # a claim not finished by then (the process died) lapses
KEEP_PUBLISHED = dt.timedelta(days=7)
# What publishing raises when the broker is down or unreachable (kombu wraps the transport's
# connection errors in its OperationalError); anything else is a fault of the item itself.
BROKER_ERRORS = (KombuOperationalError, ConnectionError, TimeoutError, OSError)


def enqueue(task: str, *args: Any, **kwargs: Any) -> OutboxItem:
    """Ask for `task` (a dotted path to a Celery task) to run after the current transaction
    commits. Arguments must be JSON values (ids, ISO dates, strings)."""
    item = OutboxItem.objects.create(task=task, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: publish(item.pk))
    return item


def enqueue_later(task: str, *args: Any, after: dt.timedelta, **kwargs: Any) -> OutboxItem:
    """`enqueue`, to run no earlier than `after` from now: a task's retry with back-off. Unlike
    Celery's own retry, which drops the task if the broker cannot take it at that moment, the
    item waits for the sweeper."""
    item = OutboxItem.objects.create(
        task=task, args=list(args), kwargs=kwargs, not_before=timezone.now() + after
    )
    transaction.on_commit(lambda: publish(item.pk))
    return item


def retry_later(task: str, *args: Any, attempt: int) -> OutboxItem:
    """A task's retry number `attempt + 1`, after 1, 2, 4, 8 ... minutes of back-off; the task
    takes `attempt` as a keyword and decides itself when to give up."""
    return enqueue_later(task, *args, attempt=attempt + 1, after=dt.timedelta(minutes=2**attempt))


def publish(pk: int) -> bool:
    """Claim and send one item; True if this call published it."""
    return _publish(pk) == "published"


def _publish(pk: int) -> str:
    """ "published", "taken" (published already, or another process holds the claim) or
    "failed" (broker error: released for the sweeper)."""
    now = timezone.now()
    claimed = (
        OutboxItem.objects.filter(pk=pk, published_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "taken"
    item = OutboxItem.objects.get(pk=pk)
    try:
        task = import_string(item.task)
    except ImportError as exc:  # renamed or removed by an upgrade
        return _broken(item, exc)
    if task.app.conf.task_always_eager:
        # No broker involved (tests, the demo without Redis): the task runs here and now, and
        # its own errors are its own, not a publishing failure.
        OutboxItem.objects.filter(pk=pk).update(published_at=timezone.now(), claimed_until=None)
        task.apply_async(args=item.args, kwargs=item.kwargs)
        return "published"
    try:
        later = {"eta": item.not_before} if item.not_before and item.not_before > now else {}
        task.apply_async(args=item.args, kwargs=item.kwargs, retry=False, **later)
    except BROKER_ERRORS as exc:  # broker down or unreachable: keep the item for the sweeper
        log.warning(
            "outbox: could not publish %s (%s); the sweeper will retry",
            item.task,
            type(exc).__name__,
        )
        OutboxItem.objects.filter(pk=pk).update(
            claimed_until=None, last_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        return "failed"
    except Exception as exc:  # the item itself cannot be sent (e.g. arguments no longer fit)
        return _broken(item, exc)
    # A process that dies right here leaves the claim to expire: the item is then published
    # again, and the task, being idempotent, does its work once.
    OutboxItem.objects.filter(pk=pk).update(published_at=timezone.now(), claimed_until=None)
    return "published"


def _broken(item: OutboxItem, exc: Exception) -> str:
    """An item that no retry can send: set aside (failed_at), logged as an error and flagged in
    the audit log, so that it neither blocks the items behind it nor goes unseen."""
    from kaa.audit import Action, audit_event

    log.error("outbox: %s can not be published (%s); set aside", item.task, type(exc).__name__)
    OutboxItem.objects.filter(pk=item.pk).update(
        claimed_until=None,
        failed_at=timezone.now(),
        last_error=f"{type(exc).__name__}: {exc}"[:300],
    )
    audit_event(
        action=Action.UPDATE, obj=item, detail=f"outbox:misslyckades:{item.task}", flagged=True
    )
    return "broken"


def retry_failed() -> int:
    """Put the set-aside items back in line (after the cause is fixed): `outbox_retry`."""
    return OutboxItem.objects.filter(failed_at__isnull=False, published_at__isnull=True).update(
        failed_at=None, claimed_until=None
    )


def sweep(*, now: dt.datetime | None = None) -> int:
    """Publish what the commit hooks could not, oldest first, until the broker fails again;
    forget items published long ago."""
    now = now or timezone.now()
    published = 0
    for pk in (
        OutboxItem.objects.filter(
            published_at__isnull=True, failed_at__isnull=True, created_at__lt=now - SWEEP_AFTER
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    ):
        outcome = _publish(pk)
        if outcome == "failed":
            break  # still down: the next sweep tries again
        published += outcome == "published"
    OutboxItem.objects.filter(published_at__lt=now - KEEP_PUBLISHED).delete()
    return published


def waiting() -> int:
    """Items the commit hook could not publish and the sweeper has not yet (for /healthz)."""
    return OutboxItem.objects.filter(
        published_at__isnull=True,
        failed_at__isnull=True,
        created_at__lt=timezone.now() - SWEEP_AFTER,
    ).count()


def failed() -> int:
    """Items set aside because they can not be sent (for /healthz)."""
    return OutboxItem.objects.filter(published_at__isnull=True, failed_at__isnull=False).count()
