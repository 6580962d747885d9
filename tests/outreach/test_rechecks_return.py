"""A youth who returns to KAA (a new KAA period) is no longer re-checked: the open re-checks of
the earlier period and their tasks are cancelled, answered ones stay, and the timeline says so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from outreach.models import OutcomeRecheck, Task
from tests.factories import occupation_type, reason, youth_make
from youth.models import KaaPeriod, Occupation, TimelineEntry
from youth.register.services import occupation_record, period_close, period_open

pytestmark = pytest.mark.django_db


def _ended_with_work(municipality, coach, time_machine):
    time_machine.move_to("2026-03-31 10:00 +02:00", tick=False)
    youth = youth_make(municipality=municipality, coach=coach, start_date=dt.date(2026, 1, 5))
    occupation_record(
        youth=youth,
        type=occupation_type("ARBETE"),
        start_date=dt.date(2026, 3, 20),
        source=Occupation.Source.CONTACT,
        actor=coach,
    )
    period = KaaPeriod.objects.get(youth=youth, end_date__isnull=True)
    period_close(
        period=period,
        end_date=dt.date(2026, 3, 31),
        reason=reason("OVRIGT", "deregistration"),
        actor=coach,
    )
    return youth


def test_a_new_kaa_period_cancels_the_open_re_checks_and_their_tasks(
    municipality, coach, time_machine
):
    youth = _ended_with_work(municipality, coach, time_machine)
    checks = list(OutcomeRecheck.objects.filter(youth=youth))
    assert len(checks) == 2
    assert all(c.is_open for c in checks)
    # The first one was answered before the youth came back: it keeps its answer.
    OutcomeRecheck.objects.filter(pk=checks[0].pk).update(answer="held")
    time_machine.move_to("2026-05-04 10:00 +02:00", tick=False)
    period_open(
        youth=youth,
        start_date=dt.date(2026, 5, 4),
        reason=reason("AVBROTT_NATIONELLT"),
        actor=coach,
    )
    answered, open_one = (OutcomeRecheck.objects.get(pk=c.pk) for c in checks)
    assert answered.cancelled_at is None
    assert answered.answer == "held"
    assert open_one.cancelled_at is not None
    assert not open_one.is_open
    task = Task.objects.get(ref=f"recheck:{open_one.pk}")
    assert task.status == Task.Status.CANCELLED
    assert TimelineEntry.objects.filter(
        youth=youth, kind="recheck", summary__contains="åter i KAA"
    ).exists()


def test_re_checks_of_other_youths_are_left_alone(municipality, coach, time_machine):
    youth = _ended_with_work(municipality, coach, time_machine)
    time_machine.move_to("2026-05-04 10:00 +02:00", tick=False)
    youth_make(municipality=municipality, coach=coach, start_date=timezone.localdate())
    assert all(c.is_open for c in OutcomeRecheck.objects.filter(youth=youth))
