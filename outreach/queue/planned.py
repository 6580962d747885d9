"""Tasks that other apps keep in the work queue (plans' follow-ups and its "plan within a
week" task). Plans schedules, moves and closes its tasks through these functions and never reads
or writes Task rows itself; `ref` says what a task is about, e.g. "plan:12". This is the one
write path into outreach that other apps may import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists
from django.utils import timezone

from kaa.models import User
from outreach.queue.models import Task
from youth.models import Youth

TaskKind = Task.Kind  # the kinds that the functions below take


def planning_task_done(*, youth: Youth, actor: User) -> int:
    """A plan was made: the open "plan within a week" task is done."""
    return Task.objects.filter(
        youth=youth, kind=Task.Kind.PLANNING, status=Task.Status.OPEN
    ).update(status=Task.Status.DONE, done_at=timezone.now(), done_by=actor)


def ref_task_sync(
    *, youth_id: int, kind: str, ref: str, due: dt.date | None, title: str, link: str
) -> None:
    """Exactly one open task for `ref`, due on `due` (none if `due` is None)."""
    open_tasks = Task.objects.filter(youth_id=youth_id, ref=ref, status=Task.Status.OPEN)
    # Without a date every open task goes; with one, all but the task already due that day.
    stale = open_tasks if due is None else open_tasks.exclude(due_date=due)
    stale.update(status=Task.Status.CANCELLED, cancel_reason="nytt uppföljningsdatum")
    if due is not None:
        Task.objects.get_or_create(
            youth_id=youth_id,
            kind=kind,
            ref=ref,
            due_date=due,
            status=Task.Status.OPEN,
            defaults={"title": title[:150], "link": link},
        )


def ref_tasks_cancel(*, youth_ids: set[int], refs: list[str], reason: str) -> int:
    """The open tasks for these refs are cancelled (what they followed up has ended)."""
    return Task.objects.filter(
        youth_id__in=youth_ids, ref__in=refs, status=Task.Status.OPEN
    ).update(status=Task.Status.CANCELLED, cancel_reason=reason[:200])


def ref_tasks_done(*, youth_id: int, ref: str, actor: User) -> int:
    """The open tasks for `ref` are done (it was followed up)."""
    return Task.objects.filter(youth_id=youth_id, ref=ref, status=Task.Status.OPEN).update(
        status=Task.Status.DONE, done_at=timezone.now(), done_by=actor
    )


def late_task_exists(*, youth: Any, kinds: tuple[str, ...], on: dt.date) -> Any:
    """An `Exists` expression: the youth (a value or an `OuterRef`) has an open task of one of
    these kinds that was due before `on`."""
    return Exists(
        Task.objects.filter(youth=youth, status=Task.Status.OPEN, due_date__lt=on, kind__in=kinds)
    )
