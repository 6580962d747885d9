"""The tasks other apps keep in the work queue: `ref_task_sync` leaves exactly one open task
for a ref on its due date, and none when there is no date."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.queue import planned
from outreach.queue.models import Task
from tests.factories import youth_make

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 10)


@pytest.fixture
def youth(municipality, coach, team):
    return youth_make(municipality=municipality, coach=coach, team=team)


def _sync(youth, ref: str, due: dt.date | None) -> None:
    planned.ref_task_sync(
        youth_id=youth.pk,
        kind=Task.Kind.PLAN_FOLLOW_UP,
        ref=ref,
        due=due,
        title="Följ upp",
        link="/x",
    )


def _open(youth, ref: str) -> list[dt.date]:
    tasks = Task.objects.filter(youth=youth, ref=ref, status=Task.Status.OPEN)
    return list(tasks.values_list("due_date", flat=True))


def test_a_new_date_replaces_the_open_task(youth):
    _sync(youth, "plan:1", DAY)
    _sync(youth, "plan:1", DAY + dt.timedelta(days=30))
    assert _open(youth, "plan:1") == [DAY + dt.timedelta(days=30)]
    cancelled = Task.objects.get(youth=youth, ref="plan:1", status=Task.Status.CANCELLED)
    assert cancelled.due_date == DAY


def test_the_same_date_keeps_the_one_open_task(youth):
    _sync(youth, "plan:1", DAY)
    first = Task.objects.get(youth=youth, ref="plan:1")
    _sync(youth, "plan:1", DAY)
    assert list(Task.objects.filter(youth=youth, ref="plan:1")) == [first]
    assert Task.objects.get(pk=first.pk).status == Task.Status.OPEN


def test_no_date_cancels_every_open_task_of_the_ref_only(youth):
    _sync(youth, "plan:1", DAY)
    _sync(youth, "intervention:2", DAY)
    _sync(youth, "plan:1", None)
    assert _open(youth, "plan:1") == []
    assert _open(youth, "intervention:2") == [DAY]
