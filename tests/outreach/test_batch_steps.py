"""A letter batch takes one step per youth and channel (the earliest due); confirming it closes
only what was printed, and steps counted from it get their deadlines from the day it was done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.calendar import add_offset, next_business_day_on_or_after
from outreach.letters.selectors import batch_candidates
from outreach.letters.services import (
    letter_batch_confirm,
    letter_batch_create,
    templates_ensure_defaults,
)
from outreach.models import MessageTemplate, Task
from outreach.routine import services
from outreach.routine.engine import deadlines_refresh
from tests.factories import youth_make


def _behind(municipality, coach, key, coordinator, weeks_ago):
    services.routine_from_template(municipality=municipality, key=key, actor=coordinator)
    templates_ensure_defaults(municipality=municipality, actor=coordinator)
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Maja",
        address="Storgatan 1",
        postal_code="69630",
        city="Askersund",
        start_date=timezone.localdate() - dt.timedelta(weeks=weeks_ago),
    )
    deadlines_refresh()
    return youth


@pytest.fixture
def template(db):
    return lambda: MessageTemplate.objects.get(kind="postcard")


def test_an_overdue_first_postcard_and_the_second_are_never_in_one_batch(
    municipality, coordinator, coach, template, django_capture_on_commit_callbacks
):
    youth = _behind(municipality, coach, "askersund", coordinator, weeks_ago=6)
    postcards = Task.objects.filter(youth=youth, channel="postcard").order_by("step__order")
    first, second = postcards
    assert first.due_date < second.due_date < timezone.localdate()  # both overdue
    today = timezone.localdate()
    tasks, _held = batch_candidates(user=coordinator, channel="postcard", until=today)
    assert [t.pk for t in tasks] == [first.pk]
    batch = letter_batch_create(
        user=coordinator, template=template(), channel="postcard", until=today
    )
    assert batch.task_ids == [first.pk]
    # While that envelope waits to be posted, the youth is not in another postcard batch.
    assert batch_candidates(user=coordinator, channel="postcard", until=today)[0] == []
    with django_capture_on_commit_callbacks(execute=True):
        assert letter_batch_confirm(batch=batch, user=coordinator) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Task.Status.DONE
    assert second.status == Task.Status.OPEN  # not closed with the first
    # Sent late, the first card moves the second: the routine's three weeks between the two
    # count from the day the first went out, so tomorrow's batch does not send it at once.
    assert dt.timedelta(days=20) <= second.due_date - today <= dt.timedelta(days=28)
    assert batch_candidates(user=coordinator, channel="postcard", until=today)[0] == []


def test_a_step_counted_from_the_previous_one_starts_from_the_day_it_was_done(
    municipality, coordinator, coach, template, django_capture_on_commit_callbacks
):
    # Lidköping: first postcard one month after registration, the second one month after it.
    youth = _behind(municipality, coach, "lidkoping", coordinator, weeks_ago=10)
    first, second = Task.objects.filter(youth=youth, channel="postcard").order_by("step__order")
    assert first.due_date < second.due_date < timezone.localdate()
    today = timezone.localdate()
    batch = letter_batch_create(
        user=coordinator, template=template(), channel="postcard", until=today
    )
    assert batch.task_ids == [first.pk]
    with django_capture_on_commit_callbacks(execute=True):
        letter_batch_confirm(batch=batch, user=coordinator)
    second.refresh_from_db()
    # At once, not at the nightly run: one month from the first postcard actually sent.
    assert second.status == Task.Status.OPEN
    assert second.due_date == next_business_day_on_or_after(add_offset(today, 1, "months"))


def test_a_step_done_from_the_queue_moves_the_next_one_at_once(
    client_for, municipality, coordinator, coach, django_capture_on_commit_callbacks
):
    youth = _behind(municipality, coach, "lidkoping", coordinator, weeks_ago=10)
    first, second = Task.objects.filter(youth=youth, channel="postcard").order_by("step__order")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(coach).post(
            reverse("outreach:task_outcome", args=[first.pk]), {"outcome": "sent"}
        )
    second.refresh_from_db()
    today = timezone.localdate()
    assert second.due_date == next_business_day_on_or_after(add_offset(today, 1, "months"))
