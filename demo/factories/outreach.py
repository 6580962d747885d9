"""Contacts and tasks, written as rows (the routine's engine makes the real steps)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from outreach.models import ContactAttempt, Task


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class ContactAttemptFactory(DjangoModelFactory[ContactAttempt]):
    """A call that reached the youth, today at `hour` (or on `day`). `create` saves it one at
    a time, so the contact's facts are kept as in the app; bulk-written ones need
    `reached_facts_rebuild` afterwards."""

    class Meta:
        model = ContactAttempt

    class Params:
        day = factory.LazyFunction(timezone.localdate)
        hour = 10

    youth = factory.SubFactory("demo.factories.youth.YouthFactory")
    at = factory.LazyAttribute(lambda o: _at(o.day, o.hour))
    channel = "phone"
    outcome = ContactAttempt.Outcome.REACHED


class TaskFactory(DjangoModelFactory[Task]):
    """A task due today (`days` from today otherwise), open."""

    class Meta:
        model = Task

    class Params:
        days = 0

    youth = factory.SubFactory("demo.factories.youth.YouthFactory")
    title = "Ring"
    due_date = factory.LazyAttribute(lambda o: timezone.localdate() + dt.timedelta(days=o.days))
