"""Two re-sums of the same days at the same time (two workers) count each contact once."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from outreach.models import ContactAttempt
from reporting.models import ContactDay
from reporting.stats import rollup
from tests.factories import youth_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_summing_the_same_day_count_each_contact_once(municipality, monkeypatch):
    youth = youth_make(municipality=municipality)
    day = timezone.localdate() - dt.timedelta(days=20)
    ContactAttempt.objects.create(
        youth=youth,
        channel="phone",
        direction="out",
        outcome="no_answer",
        at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
    )
    real = rollup.contact_groups
    first_inside = threading.Event()

    def slow(**kwargs):
        rows = list(real(**kwargs))
        if not first_inside.is_set():
            first_inside.set()
            time.sleep(0.5)  # the other worker starts meanwhile
        return rows

    monkeypatch.setattr(rollup, "contact_groups", slow)
    errors: list[Exception] = []

    def worker() -> None:
        try:
            rollup.rollup_days(municipality_id=municipality.pk, start=day, end=day)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=worker)
    first.start()
    assert first_inside.wait(10)
    second = threading.Thread(target=worker)
    second.start()
    first.join(20)
    second.join(20)
    assert errors == []
    assert (
        sum(ContactDay.objects.filter(municipality=municipality).values_list("n", flat=True)) == 1
    )
