"""The routine engine: the Askersund table end to end, conditions, idempotency, versions."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from outreach.models import OutreachCase, Task
from outreach.queue import services
from outreach.routine.engine import deadlines_refresh
from outreach.routine.services import cases_migrate, routine_from_template
from tests.factories import occupation_type, youth_make

REG = dt.date(2026, 9, 7)  # a Monday
STOCKHOLM = dt.timezone(dt.timedelta(hours=2))


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=STOCKHOLM)


@pytest.fixture
def askersund(municipality, coordinator):
    return routine_from_template(municipality=municipality, key="askersund", actor=coordinator)


@pytest.fixture
def young(municipality, coach, askersund):
    """A 16-year-old with a phone, registered on REG."""
    with time_machine.travel(_at(REG)):
        return youth_make(
            municipality=municipality,
            coach=coach,
            phone="070-111 22 33",
            birth_date=dt.date(2010, 3, 1),
            start_date=REG,
        )


def _tasks(youth):
    return {t.title: t for t in Task.objects.filter(youth=youth).order_by("due_date", "id")}


def test_the_askersund_table(young):
    with time_machine.travel(_at(REG + dt.timedelta(days=1))):
        stats = deadlines_refresh()
    assert stats.cases_created == 1
    tasks = _tasks(young)
    assert {title: t.due_date for title, t in tasks.items()} == {
        "Vykort": dt.date(2026, 9, 14),  # within 1 week
        "Telefonsamtal": dt.date(2026, 9, 21),  # within 2 weeks
        "Sms": dt.date(2026, 9, 21),  # within 2 weeks
        "Andra vykortet": dt.date(2026, 10, 7),  # within 1 month
        "Kontakt med socialtjänsten": dt.date(2026, 10, 7),
        "Brev": dt.date(2026, 11, 2),  # after 8 weeks
    }
    assert tasks["Vykort"].guardian_copy  # under 18: the guardian gets a copy
    assert not tasks["Telefonsamtal"].guardian_copy
    assert "Överväg orosanmälan" not in tasks  # not before 3 failed attempts

    # Three attempts without result: the concern-report step appears, due that day.
    services.contact_attempt_log(
        youth=young, channel="postcard", outcome="sent", staff=None, at=_at(dt.date(2026, 9, 14))
    )
    services.contact_attempt_log(
        youth=young, channel="phone", outcome="no_answer", staff=None, at=_at(dt.date(2026, 9, 21))
    )
    services.contact_attempt_log(
        youth=young, channel="sms", outcome="sent", staff=None, at=_at(dt.date(2026, 9, 22))
    )
    with time_machine.travel(_at(dt.date(2026, 9, 23))):
        deadlines_refresh()
    tasks = _tasks(young)
    assert tasks["Överväg orosanmälan"].due_date == dt.date(2026, 9, 22)
    assert tasks["Vykort"].status == Task.Status.DONE
    assert tasks["Telefonsamtal"].status == Task.Status.DONE
    assert tasks["Sms"].status == Task.Status.DONE

    # Reached: the rest of the routine is cancelled, except what applies to everyone.
    with time_machine.travel(_at(dt.date(2026, 9, 28))):
        services.reached_record(
            youth=young,
            staff=None,
            channel="phone",
            occupation_type=occupation_type("ARBETE"),
            next_step="none",
        )
        deadlines_refresh()
    tasks = _tasks(young)
    assert tasks["Andra vykortet"].status == Task.Status.CANCELLED
    assert tasks["Brev"].status == Task.Status.CANCELLED
    assert tasks["Kontakt med socialtjänsten"].status == Task.Status.OPEN
    follow_up = tasks["Uppföljning"]
    assert follow_up.due_date == dt.date(2026, 12, 28)  # working: after 3 months
    young.refresh_from_db()
    assert young.status == "occupied"


def test_the_job_is_idempotent(young):
    with time_machine.travel(_at(REG + dt.timedelta(days=1))):
        first = deadlines_refresh()
        second = deadlines_refresh()
    assert first.tasks_created == 6
    assert (
        second.cases_created,
        second.tasks_created,
        second.tasks_moved,
        second.tasks_cancelled,
    ) == (0, 0, 0, 0)
    assert Task.objects.count() == 6


def test_no_phone_means_no_call_or_sms(municipality, askersund):
    with time_machine.travel(_at(REG)):
        youth = youth_make(
            municipality=municipality, birth_date=dt.date(2008, 1, 1), start_date=REG
        )
        deadlines_refresh()
    titles = set(_tasks(youth))
    assert "Telefonsamtal" not in titles
    assert "Sms" not in titles
    assert not _tasks(youth)["Vykort"].guardian_copy  # 18: no guardian copy


def test_a_due_date_on_a_holiday_moves_to_the_next_business_day(municipality, askersund):
    registered = dt.date(2026, 12, 17)  # + 1 week = julafton
    with time_machine.travel(_at(registered)):
        youth = youth_make(
            municipality=municipality, birth_date=dt.date(2009, 5, 5), start_date=registered
        )
        deadlines_refresh()
    assert _tasks(youth)["Vykort"].due_date == dt.date(2026, 12, 28)


def test_previous_step_anchors_follow_when_the_step_was_done(municipality, coordinator):
    routine_from_template(municipality=municipality, key="lidkoping", actor=coordinator)
    with time_machine.travel(_at(REG)):
        youth = youth_make(
            municipality=municipality, birth_date=dt.date(2009, 5, 5), start_date=REG
        )
        deadlines_refresh()
    assert _tasks(youth)["Andra vykortet"].due_date == dt.date(2026, 11, 9)  # 7 Oct + 1 month
    services.contact_attempt_log(
        youth=youth, channel="postcard", outcome="sent", staff=None, at=_at(dt.date(2026, 9, 20))
    )
    with time_machine.travel(_at(dt.date(2026, 9, 21))):
        deadlines_refresh()
    assert _tasks(youth)["Andra vykortet"].due_date == dt.date(2026, 10, 20)


def test_a_new_version_leaves_open_cases_until_migrated(
    young, municipality, coordinator, askersund
):
    with time_machine.travel(_at(REG + dt.timedelta(days=1))):
        deadlines_refresh()
    v2 = routine_from_template(municipality=municipality, key="nykoping", actor=coordinator)
    assert v2.version == 2
    case = OutreachCase.objects.get(youth=young)
    assert case.routine == askersund
    with time_machine.travel(_at(REG + dt.timedelta(days=2))):
        deadlines_refresh()
    assert "Vykort" in _tasks(young)
    assert cases_migrate(routine=v2, actor=coordinator) == 1
    with time_machine.travel(_at(REG + dt.timedelta(days=2))):
        deadlines_refresh()
    old = {t.title: t for t in Task.objects.filter(youth=young, step__routine=askersund)}
    new = {t.title: t for t in Task.objects.filter(youth=young, step__routine=v2)}
    assert old["Vykort"].status == Task.Status.CANCELLED
    assert new["Brev"].due_date == dt.date(2026, 9, 14)
    assert new["Brev"].status == Task.Status.OPEN


def test_a_routine_exhausted_without_contact_is_extended(municipality, coordinator):
    routine_from_template(municipality=municipality, key="nykoping", actor=coordinator)
    with time_machine.travel(_at(REG)):
        youth = youth_make(
            municipality=municipality, birth_date=dt.date(2008, 5, 5), start_date=REG
        )
        deadlines_refresh()
    with time_machine.travel(_at(REG + dt.timedelta(days=1))):
        for task in Task.objects.filter(youth=youth):
            services.task_complete(task=task, staff=None, outcome="no_answer")
        deadlines_refresh()
        for task in Task.objects.filter(youth=youth, status="open"):
            services.task_complete(task=task, staff=None, outcome="no_answer")
    later = dt.date(2026, 11, 2)
    with time_machine.travel(_at(later)):
        stats = deadlines_refresh()
        again = deadlines_refresh()
    assert stats.retries == 1
    assert again.retries == 0
    retry = Task.objects.get(youth=youth, kind=Task.Kind.RETRY)
    assert retry.due_date >= later


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_create_no_duplicates(municipality, coordinator):
    routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    for _ in range(20):
        youth_make(municipality=municipality, phone="070-1")
    results, errors = [], []

    def run():
        try:
            results.append(deadlines_refresh())
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    deadlines_refresh()
    per_case_step = Task.objects.values("case_id", "step_id").distinct().count()
    assert Task.objects.count() == per_case_step == 20 * 6


def test_follow_up_rules():
    from outreach.queue.services import follow_up_due

    day = dt.date(2026, 9, 28)
    assert follow_up_due(category="studying", next_step="none", on=day) == (
        "follow_up",
        dt.date(2026, 12, 20),
    )
    assert follow_up_due(
        category="studying", next_step="none", on=day, studies_end=dt.date(2027, 1, 15)
    )[1] == dt.date(2027, 1, 15)
    assert follow_up_due(category="working", next_step="declines", on=day) == (
        "follow_up",
        dt.date(2026, 12, 28),
    )
    assert follow_up_due(category="none", next_step="none", on=day) == (
        "meeting",
        dt.date(2026, 10, 5),
    )
    assert follow_up_due(category="none", next_step="wants_help", on=day) == (
        "planning",
        dt.date(2026, 10, 5),
    )
    assert follow_up_due(category="studying", next_step="none", on=dt.date(2026, 12, 22))[
        1
    ] == dt.date(2027, 6, 15)
    assert timezone.now()


def test_failed_attempts_for_an_under_18_escalate_once(municipality, coordinator):
    routine_from_template(municipality=municipality, key="nykoping", actor=coordinator)
    with time_machine.travel(_at(REG)):
        young = youth_make(
            municipality=municipality,
            birth_date=dt.date(2010, 1, 1),
            start_date=REG,
            phone="070-1",
        )
        adult = youth_make(
            municipality=municipality,
            birth_date=dt.date(2007, 1, 1),
            start_date=REG,
            phone="070-2",
        )
    for youth in (young, adult):
        for day in (8, 9, 10):
            services.contact_attempt_log(
                youth=youth,
                channel="phone",
                outcome="no_answer",
                staff=None,
                at=_at(dt.date(2026, 9, day)),
            )
    with time_machine.travel(_at(dt.date(2026, 9, 11))):
        deadlines_refresh()
        deadlines_refresh()
    escalation = Task.objects.get(kind=Task.Kind.ESCALATION)
    assert escalation.youth == young
    assert escalation.due_date == dt.date(2026, 9, 10)


def test_a_postcard_sent_late_moves_the_next_postcard_by_the_routines_spacing():
    from outreach.routine.engine import CaseFacts, plan_case
    from outreach.routine.models import RoutineStep

    steps = [
        RoutineStep(
            pk=1, order=1, title="Vykort", channel="postcard", offset_value=1, offset_unit="weeks"
        ),
        RoutineStep(
            pk=2, order=2, title="Samtal", channel="phone", offset_value=2, offset_unit="weeks"
        ),
        RoutineStep(
            pk=3,
            order=3,
            title="Andra vykortet",
            channel="postcard",
            offset_value=1,
            offset_unit="months",
        ),
    ]
    for step in steps:
        step.only_if_not_reached = False
    start = dt.date(2026, 9, 7)  # a Monday
    on_time = {
        p.step.title: p.due
        for p in plan_case(steps, CaseFacts(start, dt.date(2008, 1, 1), True, False))
    }
    assert on_time == {
        "Vykort": dt.date(2026, 9, 14),
        "Samtal": dt.date(2026, 9, 21),
        "Andra vykortet": dt.date(2026, 10, 7),
    }
    late = CaseFacts(start, dt.date(2008, 1, 1), True, False, done={1: dt.date(2026, 10, 12)})
    moved = {p.step.title: p.due for p in plan_case(steps, late)}
    # 23 days between the two cards, counted from the day the first went out; the call,
    # another channel, keeps its own deadline.
    assert moved["Andra vykortet"] == dt.date(2026, 11, 4)
    assert moved["Samtal"] == dt.date(2026, 9, 21)
    early = CaseFacts(start, dt.date(2008, 1, 1), True, False, done={1: dt.date(2026, 9, 9)})
    assert {p.step.title: p.due for p in plan_case(steps, early)}["Andra vykortet"] == dt.date(
        2026, 10, 7
    )
