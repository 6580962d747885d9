"""Reads of letters: the open tasks a new batch would cover (protected identities held back),
and the tasks of a batch that the viewer may still act on."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from kaa.access import municipality_q
from kaa.models import User
from outreach.letters.models import LetterBatch
from outreach.queue.models import Task

PAPER_CHANNELS = ("postcard", "letter", "knock_card")
TURNING_20 = "turning_20"


def _of_channel(tasks: QuerySet[Task], channel: str) -> QuerySet[Task]:
    if channel == TURNING_20:
        return tasks.filter(kind=Task.Kind.TURNING_20)
    return tasks.filter(channel=channel).exclude(kind=Task.Kind.TURNING_20)


def batch_candidates(*, user: User, channel: str, until: dt.date) -> tuple[list[Task], list[Task]]:
    """(tasks to print, tasks held back for protected identity).

    At most one task per youth and channel, the earliest due: a youth behind on the routine
    gets the step that is due first, and the next one on its own day. A youth with a task of
    the channel in a batch not yet confirmed is left out (that envelope is still to be
    posted)."""
    reserved = [
        pk
        for ids in LetterBatch.objects.filter(
            municipality_q(user), confirmed_at__isnull=True
        ).values_list("task_ids", flat=True)
        for pk in ids
    ]
    waiting = _of_channel(Task.objects.filter(pk__in=reserved), channel).values("youth_id")
    open_tasks = _of_channel(
        Task.objects.visible_to(user)
        .writable()
        .filter(status=Task.Status.OPEN, due_date__lte=until)
        .exclude(youth_id__in=waiting),
        channel,
    )
    tasks: list[Task] = []
    seen: set[int] = set()
    for task in (
        open_tasks.select_related("youth", "youth__coach", "youth__municipality", "step")
        .prefetch_related("youth__guardians")
        .order_by("youth__last_name", "youth__first_name", "youth_id", "due_date", "id")
    ):
        if task.youth_id not in seen:
            seen.add(task.youth_id)
            tasks.append(task)
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
