"""Reads of letters: the open tasks a new batch would cover (protected identities held back),
and the tasks of a batch that the viewer may still act on."""

from __future__ import annotations

import datetime as dt

from kaa.models import User
from outreach.letters.models import LetterBatch
from outreach.queue.models import Task

PAPER_CHANNELS = ("postcard", "letter", "knock_card")
TURNING_20 = "turning_20"


def batch_candidates(*, user: User, channel: str, until: dt.date) -> tuple[list[Task], list[Task]]:
    """(tasks to print, tasks held back for protected identity)."""
    reserved = [
        pk
        for ids in LetterBatch.objects.filter(
            municipality_id=user.municipality_id, confirmed_at__isnull=True
        ).values_list("task_ids", flat=True)
        for pk in ids
    ]
    open_tasks = (
        Task.objects.visible_to(user)
        .writable()
        .filter(status=Task.Status.OPEN, due_date__lte=until)
        .exclude(pk__in=reserved)
    )  # already in a batch waiting to be posted
    if channel == TURNING_20:
        open_tasks = open_tasks.filter(kind=Task.Kind.TURNING_20)
    else:
        open_tasks = open_tasks.filter(channel=channel).exclude(kind=Task.Kind.TURNING_20)
    tasks = list(
        open_tasks.select_related("youth", "youth__coach", "youth__municipality")
        .prefetch_related("youth__guardians")
        .order_by("youth__last_name", "youth__first_name")
    )
    held = [t for t in tasks if t.youth.location_protected]
    return [t for t in tasks if not t.youth.location_protected], held


def batch_tasks(batch: LetterBatch, *, user: User) -> list[Task]:
    """The batch's tasks that the viewer may still see and act on (access can change after
    printing; a youth whose processing became restricted gets no letter and no log entry)."""
    return list(
        Task.objects.visible_to(user)
        .writable()
        .filter(pk__in=batch.task_ids)
        .select_related("youth", "youth__coach", "youth__municipality")
        .prefetch_related("youth__guardians")
        .order_by("youth__last_name", "youth__first_name")
    )
