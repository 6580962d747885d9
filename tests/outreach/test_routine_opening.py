"""A youth registered today has the routine's first step in the queue at once (the case and
its tasks are made when the registration commits); the nightly job only repairs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from outreach.letters.selectors import batch_candidates
from outreach.models import OutreachCase, Task
from outreach.queue.selectors import queue_tasks
from outreach.routine.engine import deadlines_refresh
from outreach.routine.services import routine_from_template
from tests.factories import reason, youth_make
from youth.importing.services import import_apply, import_plan
from youth.register.services import period_open


@pytest.fixture
def askersund(municipality, coordinator):
    return routine_from_template(municipality=municipality, key="askersund", actor=coordinator)


def test_registering_by_hand_opens_the_case_and_step_one_on_commit(
    askersund, municipality, coach, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        youth = youth_make(municipality=municipality, start_date=today, phone="0701234567")
    case = OutreachCase.objects.get(youth=youth)
    assert case.routine == askersund
    assert case.started_on == today
    first = Task.objects.get(youth=youth, step__order=1)
    assert first.title == "Vykort"
    assert first.guardian_copy
    youth.coach = coach
    youth.save(update_fields=["coach"])
    # The coach's queue (a week ahead, whatever the weekday) and the batch have it now.
    assert first in queue_tasks(user=coach, view="mina", today=today)
    printable, _held = batch_candidates(user=coach, channel="postcard", until=first.due_date)
    assert [t.pk for t in printable] == [first.pk]
    # The nightly job finds nothing left to do for this case.
    stats = deadlines_refresh()
    assert stats.cases_created == 0
    assert stats.tasks_created == 0


def test_a_returning_youth_gets_a_new_case_at_once(
    askersund, municipality, coordinator, django_capture_on_commit_callbacks
):
    youth = youth_make(municipality=municipality, open_period=False)
    with django_capture_on_commit_callbacks(execute=True):
        period = period_open(
            youth=youth,
            start_date=timezone.localdate() + dt.timedelta(days=1),
            reason=reason("AVBROTT_NATIONELLT"),
            actor=coordinator,
        )
    assert OutreachCase.objects.get(period=period).tasks.filter(step__order=1).exists()


def test_an_import_opens_every_case_in_one_go(
    askersund, municipality, django_capture_on_commit_callbacks
):
    from demo.youths import personnummer_for

    today = timezone.localdate()
    rows = [
        f"{personnummer_for(today.replace(year=today.year - 17) - dt.timedelta(days=20), n)};"
        f"Ada{n};Berg;Storgatan 1;69630;Askersund;;;"
        for n in (11, 12, 13)
    ]
    raw = (
        "personnummer;fornamn;efternamn;adress;postnummer;postort;telefon;epost;"
        "avlamnande_skola\n" + "\n".join(rows) + "\n"
    ).encode()
    plan = import_plan(raw=raw, filename="lista.csv", municipality=municipality)
    with django_capture_on_commit_callbacks(execute=True):
        import_apply(plan=plan, municipality=municipality, reason=reason("OVRIGT"), actor=None)
    assert OutreachCase.objects.filter(youth__municipality=municipality).count() == 3
    assert Task.objects.filter(step__order=1, status=Task.Status.OPEN).count() == 3


def test_a_failing_engine_leaves_the_registration_for_the_nightly_repair(
    askersund, municipality, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("engine down")

    monkeypatch.setattr("outreach.routine.engine.cases_refresh", broken)
    with django_capture_on_commit_callbacks(execute=True):
        youth = youth_make(municipality=municipality, start_date=timezone.localdate())
    assert youth.pk
    assert not OutreachCase.objects.filter(youth=youth).exists()
    assert deadlines_refresh().cases_created == 1
    assert Task.objects.filter(youth=youth, step__order=1).exists()


def test_a_schools_notice_accepted_into_kaa_opens_the_case_at_once(
    askersund, municipality, coordinator, django_capture_on_commit_callbacks
):
    from plans.school.services import notification_accept
    from tests.plans.test_school import _notice

    notice = _notice(municipality)
    with django_capture_on_commit_callbacks(execute=True):
        youth = notification_accept(
            notice=notice,
            actor=coordinator,
            handling="period",
            reason=reason("AVBROTT_NATIONELLT"),
        )
    assert Task.objects.filter(youth=youth, step__order=1, status=Task.Status.OPEN).exists()


def test_many_registrations_in_one_transaction_refresh_once_after_it(
    askersund, municipality, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from outreach.routine import engine

    calls = []
    real = engine.cases_refresh

    def counted(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(engine, "cases_refresh", counted)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        youths = [youth_make(municipality=municipality, start_date=today) for _ in range(3)]
    assert len(calls) == 1
    periods = {y.periods.get().pk for y in youths}
    assert periods <= set(calls[0]["period_ids"])
    assert Task.objects.filter(youth__in=youths, step__order=1).count() == 3
