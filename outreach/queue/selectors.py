"""Reads of the work queue: a user's queue (grouped and counted) and the weekly review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kaa.models import User
from outreach.calendar import week_end
from outreach.queue.models import Task
from youth.models import Guardian, KaaPeriod, Youth

VIEWS = ("mina", "team", "kommun")
BUCKETS = ("overdue", "today", "week")


def queue_tasks(
    *, user: User, view: str, today: dt.date | None = None, kind: str = ""
) -> QuerySet[Task]:
    """Open tasks due this week or earlier, for the user's own youths, team or municipality
    (of one kind when `kind` is given)."""
    today = today or timezone.localdate()
    in_kaa = KaaPeriod.objects.filter(youth=OuterRef("youth"), end_date__isnull=True)
    qs = (
        Task.objects.visible_to(user)
        .filter(Exists(in_kaa), status=Task.Status.OPEN, due_date__lte=week_end(today))
        .select_related("youth", "youth__coach", "step")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if view == "mina":
        qs = qs.filter(youth__coach=user)
    elif view == "team":
        qs = qs.filter(youth__team_id=user.team_id) if user.team_id else qs.none()
    return qs.order_by("due_date", "title", "youth__last_name", "id")


def protection_known(tasks: list[Task]) -> None:
    """Tell each task's youth, in one query, whether a guardian has protected identity: the
    queue shows a phone number to call only for a youth whom nothing can locate otherwise
    (`Youth.location_protected`; a list never shows a protected youth's numbers)."""
    ids = {t.youth_id for t in tasks}
    protected = (
        set(
            Guardian.objects.filter(youth_id__in=ids, protected_identity=True).values_list(
                "youth_id", flat=True
            )
        )
        if ids
        else set()
    )
    for task in tasks:
        task.youth.guardian_protected = task.youth_id in protected


def queue_counts(queryset: QuerySet[Task], today: dt.date) -> dict[str, Any]:
    """Tasks per bucket and per step title within each bucket, counted in SQL (one query)."""
    rows = (
        queryset.order_by()
        .values("title")
        .annotate(
            overdue=Count("id", filter=Q(due_date__lt=today)),
            today=Count("id", filter=Q(due_date=today)),
            week=Count("id", filter=Q(due_date__gt=today)),
        )
    )
    counts: dict[str, Any] = {key: {"total": 0, "titles": {}} for key in BUCKETS}
    for row in rows:
        for key in BUCKETS:
            if row[key]:
                counts[key]["total"] += row[key]
                counts[key]["titles"][row["title"]] = row[key]
    counts["total"] = sum(counts[key]["total"] for key in BUCKETS)
    return counts


def todo_counts(*, user: User, view: str, today: dt.date) -> dict[str, int]:
    """The start page's numbers from the queue the user would see (one query): tasks
    overdue, due today, and answers from the e-service waiting to be read."""
    queryset = queue_tasks(user=user, view=view, today=today).order_by()
    return queryset.aggregate(
        overdue=Count("id", filter=Q(due_date__lt=today)),
        today=Count("id", filter=Q(due_date=today)),
        eservice=Count("id", filter=Q(kind=Task.Kind.ESERVICE)),
    )


def queue_groups(
    tasks: list[Task], today: dt.date, counts: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Overdue, today and the rest of the week, each grouped by step title.

    ``tasks`` is one page of the queue; ``counts`` (from :func:`queue_counts`) gives the
    whole queue's numbers for the headings, so that a page still says how many there are.
    """
    buckets: list[dict[str, Any]] = [
        {"key": "overdue", "tasks": [t for t in tasks if t.due_date < today]},
        {"key": "today", "tasks": [t for t in tasks if t.due_date == today]},
        {"key": "week", "tasks": [t for t in tasks if t.due_date > today]},
    ]
    for bucket in buckets:
        by_title: dict[str, list[Task]] = {}
        for task in bucket["tasks"]:
            by_title.setdefault(task.title, []).append(task)
        known = counts[bucket["key"]] if counts else None
        bucket["count"] = known["total"] if known else len(bucket["tasks"])
        bucket["groups"] = [
            {"title": k, "tasks": v, "count": known["titles"].get(k, len(v)) if known else len(v)}
            for k, v in by_title.items()
        ]
    return buckets


def weekly_review_lists(*, user: User, today: dt.date | None = None) -> dict[str, Any]:
    """The Friday case review: not reached after the routine, overdue follow-ups, new."""
    today = today or timezone.localdate()
    youths = Youth.objects.visible_to(user).select_related("coach", "team")
    retry = Task.objects.filter(
        youth=OuterRef("pk"),
        kind=Task.Kind.RETRY,
        case__closed_on__isnull=True,
        case__reached_on__isnull=True,
    )
    overdue = Task.objects.filter(
        youth=OuterRef("pk"), status=Task.Status.OPEN, due_date__lt=today
    ).exclude(kind=Task.Kind.STEP)
    new_period = KaaPeriod.objects.filter(
        youth=OuterRef("pk"), start_date__gte=today - dt.timedelta(days=7)
    )
    return {
        "not_reached": list(youths.filter(Exists(retry)).order_by("last_name")[:200]),
        "overdue_follow_ups": list(youths.filter(Exists(overdue)).order_by("last_name")[:200]),
        "new": list(youths.filter(Exists(new_period)).order_by("last_name")[:200]),
    }
