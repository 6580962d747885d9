"""Reads of the work queue: a user's queue (grouped and counted) and the weekly review."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from kaa.lib.urls import url_for_ids
from kaa.models import User
from outreach.calendar import week_end
from outreach.queue.models import ContactAttempt, Task, outcomes_for
from youth.models import CaseStatus, Guardian, KaaPeriod, Youth

VIEWS = ("mina", "team", "kommun")
BUCKETS = ("overdue", "today", "week")


def _guardians(task: Task) -> list[Guardian]:
    return cast("list[Guardian]", list(task.youth.guardians.all()))


def guardian_gap(task: Task) -> str:
    """Why a guardian's copy the routine asks for cannot go by post ("" when it can). Reads
    `task.youth.guardians` (prefetch it for a list)."""
    if not task.guardian_copy:
        return ""
    guardians = _guardians(task)
    if not guardians:
        return str(_("vårdnadshavare saknas i registret"))
    if any(g.protected_identity for g in guardians):
        return str(_("vårdnadshavare har skyddade personuppgifter – hanteras manuellt"))
    if any(not g.address for g in guardians):
        return str(_("vårdnadshavare saknar adress"))
    return ""


def guardian_gaps_mark(tasks: list[Task]) -> list[Task]:
    """Each task gets `guardian_gap` (see above) and `guardian_reachable`: a guardian has a
    phone number or an e-mail address, so an SMS or e-mail can go instead."""
    for task in tasks:
        gap = guardian_gap(task)
        guardians = _guardians(task)
        reachable = any(g.phone or g.email for g in guardians if not g.protected_identity)
        setattr(task, "guardian_gap", gap)  # noqa: B010 - an attribute for the template
        setattr(task, "guardian_reachable", bool(gap) and reachable)  # noqa: B010
    return tasks


BUTTON_SECONDARY = "btn-outline-secondary"


def quick_outcomes_mark(tasks: list[Task]) -> list[Task]:
    """Each task gets `outcome_buttons`, the markup of the outcome buttons that fit its
    channel ("reached" first where it fits), and `outcome_url`, where the buttons post. The
    buttons are made and their labels translated once per channel, and the addresses made
    from one reversed pattern (a queue page has a hundred rows)."""
    buttons: dict[str, SafeString] = {}
    outcome_url = url_for_ids("outreach:task_outcome")
    for task in tasks:
        if task.channel not in buttons:
            buttons[task.channel] = format_html_join(
                "",
                '<button type="submit" name="outcome" value="{}" class="btn btn-sm {}">{}'
                "</button>",
                (
                    (
                        value,
                        "btn-success" if value == "reached" else BUTTON_SECONDARY,
                        ContactAttempt.Outcome(value).label,
                    )
                    for value in outcomes_for(task.channel)
                ),
            )
        setattr(task, "outcome_buttons", buttons[task.channel])  # noqa: B010 - for the template
        setattr(task, "outcome_url", outcome_url(task.pk))  # noqa: B010
    return tasks


def queue_rows_mark(tasks: list[Task]) -> list[Task]:
    """Each task of a queue page gets `youth_url` and `what`: its channel's label, or its
    kind's when it has no channel (as `get_channel_display`, which rebuilds and hashes the
    translated choices on every call)."""
    channels = {k: str(v) for k, v in Task._meta.get_field("channel").flatchoices}
    kinds = {k: str(v) for k, v in Task._meta.get_field("kind").flatchoices}
    youth_url = url_for_ids("youth:detail")
    for task in tasks:
        what = (
            channels.get(task.channel, task.channel)
            if task.channel
            else kinds.get(task.kind, task.kind)
        )
        setattr(task, "what", what)  # noqa: B010 - an attribute for the template
        setattr(task, "youth_url", youth_url(task.youth_id))  # noqa: B010
    return tasks


def queue_horizon(today: dt.date) -> dt.date:
    """The last day the queue shows: the end of this week, and at least a week ahead, so that
    a youth registered late in the week has the routine's first step there at once."""
    return max(week_end(today), today + dt.timedelta(days=7))


def queue_tasks(
    *, user: User, view: str, today: dt.date | None = None, kind: str = ""
) -> QuerySet[Task]:
    """Open tasks due by the queue's horizon or earlier, for the user's own youths, team or
    municipality: of youths in KAA, and the re-checks of youths whose period has ended (of
    one kind when `kind` is given)."""
    today = today or timezone.localdate()
    in_kaa = KaaPeriod.objects.filter(youth=OuterRef("youth"), end_date__isnull=True)
    qs = (
        Task.objects.visible_to(user)
        .filter(Exists(in_kaa) | Q(kind=Task.Kind.RECHECK))
        .filter(status=Task.Status.OPEN, due_date__lte=queue_horizon(today))
        .select_related("youth", "youth__coach", "step")
        .prefetch_related("youth__guardians")
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
        # What YouthQuerySet.with_protection would have annotated.
        setattr(task.youth, "guardian_protected", task.youth_id in protected)  # noqa: B010


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


def _ladder_key(tasks: list[Task]) -> tuple[int, dt.date, str]:
    orders = [t.step.order for t in tasks if t.step is not None]
    return (min(orders) if orders else 10_000, min(t.due_date for t in tasks), tasks[0].title)


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
    """Overdue, today and the coming days, each grouped by step title.

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
        # In the routine's order (step 1 before step 4), then what is not a routine step.
        ordered = sorted(by_title.items(), key=lambda item: _ladder_key(item[1]))
        bucket["groups"] = [
            {"title": k, "tasks": v, "count": known["titles"].get(k, len(v)) if known else len(v)}
            for k, v in ordered
        ]
    return buckets


def weekly_review_lists(*, user: User, today: dt.date | None = None) -> dict[str, Any]:
    """The Friday case review: not reached after the routine, overdue follow-ups, new.

    "Not reached" is the youth's derived status: no contact that reached them, no plan or
    intervention, no known occupation. A youth in a plan whose contact case was never marked
    reached (the plan was made after a meeting, not a logged contact) is not on that list."""
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
    new_period = KaaPeriod.objects.kaa().filter(
        youth=OuterRef("pk"), start_date__gte=today - dt.timedelta(days=7)
    )
    return {
        "not_reached": list(
            youths.filter(Exists(retry), status=CaseStatus.NOT_REACHED).order_by("last_name")[:200]
        ),
        "overdue_follow_ups": list(youths.filter(Exists(overdue)).order_by("last_name")[:200]),
        "new": list(youths.filter(Exists(new_period)).order_by("last_name")[:200]),
    }
