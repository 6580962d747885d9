"""The deadline job's incremental run: facts mark the youth in their own transaction, the run
looks only at the marked youths and at the cases the calendar reached, a change made during
a run is not lost, and the result is always the full pass's (a property test)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.models import ContactAttempt, DeadlineMark, OutreachCase, Task
from outreach.queue import services
from outreach.routine import engine
from outreach.routine.engine import deadlines_refresh, deadlines_refresh_marked
from outreach.routine.services import cases_migrate, routine_from_template
from tests.factories import reason, youth_make
from youth.data_protection.services import restriction_lift, restriction_set
from youth.models import KaaPeriod, Youth
from youth.register.services import period_close, period_open, youth_contact_update

REG = dt.date(2026, 9, 7)  # a Monday
ADULT = dt.date(2007, 1, 10)  # 19 on REG: no guardian copies, no concern report
STOCKHOLM = dt.timezone(dt.timedelta(hours=2))


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=STOCKHOLM)


@pytest.fixture
def askersund(municipality, coordinator):
    return routine_from_template(municipality=municipality, key="askersund", actor=coordinator)


def _marked() -> set[int]:
    return set(DeadlineMark.objects.values_list("youth_id", flat=True))


def _youth(municipality, **fields):
    fields.setdefault("phone", "070-111 22 33")
    fields.setdefault("birth_date", dt.date(2010, 3, 1))
    return youth_make(municipality=municipality, start_date=REG, **fields)


def _state() -> tuple[list[tuple], list[tuple]]:
    """Every task and case as comparable values (cases by their period: the two runs may
    give a new case a different id)."""
    tasks = sorted(
        Task.objects.values_list(
            "youth_id",
            "case__period_id",
            "step_id",
            "kind",
            "status",
            "due_date",
            "cancel_reason",
            "guardian_copy",
            "two_staff",
            "done_at",
        ),
        key=repr,
    )
    cases = sorted(
        OutreachCase.objects.values_list(
            "period_id", "routine_id", "closed_on", "retry_on", "recheck_on"
        ),
        key=repr,
    )
    return tasks, cases


def _full_pass_state() -> tuple[list[tuple], list[tuple]]:
    """What a full pass would make of the current state (rolled back afterwards)."""
    point = transaction.savepoint()
    deadlines_refresh()
    state = _state()
    transaction.savepoint_rollback(point)
    return state


# --- marks ---------------------------------------------------------------------------------


def test_each_fact_the_job_reads_marks_the_youth_and_other_changes_do_not(
    municipality, askersund, coordinator
):
    with time_machine.travel(_at(REG), tick=False):
        youth = _youth(municipality)
        assert _marked() == {youth.pk}  # the period opened
        deadlines_refresh_marked()
        assert _marked() == set()  # the job's own cases and tasks mark nothing

        youth_contact_update(youth=youth, actor=coordinator, address="Storgatan 1")
        assert _marked() == set()  # the address is not read by the job

        changes = [
            lambda: youth_contact_update(youth=youth, actor=coordinator, phone=""),
            lambda: services.contact_attempt_log(
                youth=youth, channel="phone", outcome="no_answer", staff=None
            ),
            lambda: ContactAttempt.objects.filter(youth=youth).delete(),
            lambda: services.task_complete(
                task=Task.objects.filter(youth=youth, channel="postcard").first(),
                staff=coordinator,
            ),
            lambda: restriction_set(
                youth=youth, actor=coordinator, reason="Begärt", received_on=REG
            ),
            lambda: restriction_lift(youth=youth, actor=coordinator, reason="Klart"),
            lambda: Task.objects.create(
                youth=youth,
                case=OutreachCase.objects.get(youth=youth),
                kind=Task.Kind.MEETING,
                title="Möte",
                due_date=REG,
            ),
            lambda: period_close(
                period=KaaPeriod.objects.get(youth=youth, end_date__isnull=True),
                end_date=REG,
                reason=reason("PABORJAT_NATIONELLT_EL_MOTSV", "deregistration"),
                actor=coordinator,
            ),
        ]
        for change in changes:
            change()
            assert _marked() == {youth.pk}, change
            deadlines_refresh_marked()
            assert _marked() == set()


def test_a_new_routine_version_marks_the_youths_when_their_cases_move(
    municipality, askersund, coordinator
):
    with time_machine.travel(_at(REG), tick=False):
        youth = _youth(municipality)
        deadlines_refresh_marked()
        newer = routine_from_template(
            municipality=municipality, key="lidkoping", actor=coordinator
        )
        assert _marked() == set()  # the open case keeps its version
        cases_migrate(routine=newer, actor=coordinator)
        assert _marked() == {youth.pk}
        deadlines_refresh_marked()
        steps = set(newer.steps.values_list("pk", flat=True))
        assert (
            set(Task.objects.filter(youth=youth, status="open").values_list("step_id", flat=True))
            <= steps
        )


def test_a_mark_rolls_back_with_its_change(municipality, askersund):
    with time_machine.travel(_at(REG), tick=False):
        youth = _youth(municipality)
        deadlines_refresh_marked()
        point = transaction.savepoint()
        Youth.objects.filter(pk=youth.pk).update(phone="")
        assert _marked() == {youth.pk}
        transaction.savepoint_rollback(point)
        assert _marked() == set()


# --- the incremental run -------------------------------------------------------------------


def test_with_nothing_changed_the_run_reads_no_case(
    municipality, askersund, django_assert_max_num_queries
):
    with time_machine.travel(_at(REG), tick=False):
        for _ in range(5):
            _youth(municipality)
        deadlines_refresh()
        assert _marked() == set()
        with django_assert_max_num_queries(5):  # lock, marks, cases due, letters, unlock
            stats = deadlines_refresh_marked()
        assert str(stats) == str(engine.JobStats())


def test_only_the_marked_youth_is_looked_at(municipality, askersund, monkeypatch):
    with time_machine.travel(_at(REG), tick=False):
        first, second = _youth(municipality), _youth(municipality)
        deadlines_refresh_marked()
        Youth.objects.filter(pk=second.pk).update(phone="")
        looked_at: list[int] = []
        load = engine._load_chunk
        monkeypatch.setattr(engine, "_load_chunk", lambda ids: looked_at.extend(ids) or load(ids))
        deadlines_refresh_marked()
    assert looked_at == [OutreachCase.objects.get(youth=second).pk]
    assert not Task.objects.filter(youth=second, channel="phone", status="open").exists()
    assert Task.objects.filter(youth=first, channel="phone", status="open").exists()


def test_the_full_pass_removes_the_marks_it_read(municipality, askersund):
    with time_machine.travel(_at(REG), tick=False):
        _youth(municipality)
        assert _marked()
        deadlines_refresh()
        assert _marked() == set()


def test_a_change_during_a_run_stays_marked(municipality, askersund, monkeypatch):
    """The mark read is removed only if unchanged: a change made after the run read its
    marks and the youth's facts gives the youth a new one, and the next run takes it up."""
    with time_machine.travel(_at(REG), tick=False):
        youth = _youth(municipality)
        deadlines_refresh_marked()
        Youth.objects.filter(pk=youth.pk).update(phone="")  # marked
        clear = engine._marks_clear

        def change_then_clear(marks):
            # The run has reconciled the youth without a phone; now a number is added.
            Youth.objects.filter(pk=youth.pk).update(phone="070-999 88 77")
            clear(marks)

        monkeypatch.setattr(engine, "_marks_clear", change_then_clear)
        deadlines_refresh_marked()
        assert _marked() == {youth.pk}
        assert not Task.objects.filter(youth=youth, channel="phone", status="open").exists()
        monkeypatch.setattr(engine, "_marks_clear", clear)
        deadlines_refresh_marked()
        assert _marked() == set()
        assert Task.objects.filter(youth=youth, channel="phone", status="open").exists()


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_transaction_during_the_run_is_not_lost(
    municipality, askersund
):
    """Two real connections: a coach's transaction removes the phone number while the run
    is under way and commits only after the run has read the marks; the run's removal of the
    youth's old mark waits for that transaction and leaves the new one."""
    youth = _youth(municipality)
    deadlines_refresh_marked()
    Youth.objects.filter(pk=youth.pk).update(phone="")
    deadlines_refresh_marked()  # phone tasks cancelled; no mark left
    assert _marked() == set()
    Youth.objects.filter(pk=youth.pk).update(phone="070-111 22 33")  # marked (seq n)

    read, done = threading.Event(), threading.Event()

    def coach() -> None:
        try:
            read.wait(30)
            with transaction.atomic():
                Youth.objects.filter(pk=youth.pk).update(phone="")  # marked again (seq n+1)
                time.sleep(0.5)  # still open while the run tries to remove the mark
        finally:
            connections.close_all()
            done.set()

    marks_read = engine._marks_read

    def read_then_signal():
        marks = marks_read()
        read.set()
        time.sleep(0.2)  # the coach's UPDATE now holds the mark's row
        return marks

    thread = threading.Thread(target=coach)
    thread.start()
    engine._marks_read = read_then_signal
    try:
        deadlines_refresh_marked()
    finally:
        engine._marks_read = marks_read
    done.wait(30)
    thread.join()
    assert _marked() == {youth.pk}
    deadlines_refresh_marked()
    assert _marked() == set()
    assert not Task.objects.filter(youth=youth, channel="phone", status="open").exists()


# --- the calendar --------------------------------------------------------------------------


def _routine_done(case: OutreachCase, staff) -> None:
    """Every task of the case done, including those that doing the others brings."""
    for _ in range(5):
        open_tasks = list(Task.objects.filter(case=case, status="open"))
        if not open_tasks:
            return
        for task in open_tasks:
            services.task_complete(task=task, staff=staff)
        deadlines_refresh_marked()
    raise AssertionError("the routine keeps making tasks")


def test_a_routine_ending_by_the_calendar_alone_is_taken_up_without_a_mark(
    municipality, askersund, coordinator
):
    """All steps done, nothing changes, the last deadline passes: the routine is exhausted
    on that day and the retry task appears, from the incremental run too."""
    with time_machine.travel(_at(REG), tick=False) as traveller:
        youth = _youth(municipality, birth_date=ADULT)
        deadlines_refresh_marked()
        case = OutreachCase.objects.get(youth=youth)
        _routine_done(case, coordinator)
        last = max(Task.objects.filter(case=case).values_list("due_date", flat=True))
        case.refresh_from_db()
        assert case.recheck_on == last + dt.timedelta(days=1)
        traveller.move_to(_at(last))
        deadlines_refresh_marked()
        assert not Task.objects.filter(case=case, kind=Task.Kind.RETRY).exists()
        traveller.move_to(_at(last + dt.timedelta(days=1)))
        assert _marked() == set()  # nothing changed but the date
        expected = _full_pass_state()
        deadlines_refresh_marked()
        assert Task.objects.filter(case=case, kind=Task.Kind.RETRY, status="open").exists()
        assert _state() == expected
        case.refresh_from_db()
        assert case.recheck_on is None  # from now on only a change can alter the case


def test_without_the_recheck_day_the_calendar_change_would_be_missed(
    municipality, askersund, coordinator
):
    """The date-driven part is needed: the same case with its recheck day cleared is not
    taken up by the incremental run, while the full pass extends it."""
    with time_machine.travel(_at(REG), tick=False) as traveller:
        youth = _youth(municipality, birth_date=ADULT)
        deadlines_refresh_marked()
        case = OutreachCase.objects.get(youth=youth)
        _routine_done(case, coordinator)
        OutreachCase.objects.filter(pk=case.pk).update(recheck_on=None)
        traveller.move_to(_at(REG + dt.timedelta(days=120)))
        deadlines_refresh_marked()
        assert not Task.objects.filter(case=case, kind=Task.Kind.RETRY).exists()
        deadlines_refresh()
        assert Task.objects.filter(case=case, kind=Task.Kind.RETRY).exists()


def test_the_letter_before_the_20th_birthday_comes_from_the_incremental_run(
    municipality, askersund, settings
):
    with time_machine.travel(_at(REG), tick=False) as traveller:
        youth = _youth(municipality, birth_date=dt.date(2006, 12, 1))
        deadlines_refresh_marked()
        assert not Task.objects.filter(youth=youth, kind=Task.Kind.TURNING_20).exists()
        notice = settings.KAA_TURNING_20_NOTICE_DAYS
        traveller.move_to(_at(dt.date(2026, 12, 1) - dt.timedelta(days=notice)))
        deadlines_refresh_marked()
        assert Task.objects.filter(youth=youth, kind=Task.Kind.TURNING_20).count() == 1


# --- the property: incremental == full -----------------------------------------------------

_COMPLETE_ALL = st.tuples(st.just("complete_all"), st.integers(0, 2), st.just("all"))
_DAYS = st.tuples(st.just("days"), st.just(0), st.integers(1, 90))
# Finishing a routine and letting time pass are drawn more often: a routine that ends by the
# calendar alone needs both.
OPS = st.one_of(
    _COMPLETE_ALL,
    _COMPLETE_ALL,
    _DAYS,
    _DAYS,
    st.tuples(st.just("fail"), st.integers(0, 2), st.sampled_from(["phone", "sms", "postcard"])),
    st.tuples(st.just("reached"), st.integers(0, 2), st.just("")),
    st.tuples(st.just("complete"), st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("phone"), st.integers(0, 2), st.sampled_from(["", "070-222 33 44"])),
    st.tuples(st.just("restrict"), st.integers(0, 2), st.just("")),
    st.tuples(st.just("close"), st.integers(0, 2), st.just("")),
    st.tuples(st.just("reopen"), st.integers(0, 2), st.just("")),
    st.tuples(st.just("meeting"), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("undo_contact"), st.integers(0, 2), st.just("")),
    st.tuples(st.just("migrate"), st.just(0), st.sampled_from(["lidkoping", "askersund"])),
    _DAYS,
)


def _restrict(youth: Youth, arg, staff, today: dt.date) -> None:
    if youth.restricted_at:
        restriction_lift(youth=youth, actor=staff, reason="Klart")
    else:
        restriction_set(youth=youth, actor=staff, reason="Begärt", received_on=today)


def _phone(youth: Youth, arg, staff, today: dt.date) -> None:
    if not youth.restricted_at:
        youth_contact_update(youth=youth, actor=staff, phone=arg)


def _close(youth: Youth, arg, staff, today: dt.date) -> None:
    period = KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).first()
    if period is not None:
        period_close(
            period=period,
            end_date=today,
            reason=reason("PABORJAT_NATIONELLT_EL_MOTSV", "deregistration"),
            actor=staff,
        )


def _reopen(youth: Youth, arg, staff, today: dt.date) -> None:
    periods = KaaPeriod.objects.filter(youth=youth)
    if not periods.filter(end_date__isnull=True).exists() and not periods.filter(
        end_date__gte=today
    ):
        period_open(youth=youth, start_date=today, reason=reason("AVBROTT_NATIONELLT"), actor=None)


def _meeting(youth: Youth, arg, staff, today: dt.date) -> None:
    """A task of the case that is not a step (the retry waits for it): add one or remove one."""
    case = OutreachCase.objects.filter(youth=youth, closed_on__isnull=True).first()
    meetings_today = Task.objects.filter(
        youth=youth, kind=Task.Kind.MEETING, due_date=today, status="open"
    )
    if arg and case is not None and not meetings_today.exists():  # one a day (a constraint)
        Task.objects.create(
            youth=youth, case=case, kind=Task.Kind.MEETING, title="Möte", due_date=today
        )
    elif not arg:
        Task.objects.filter(
            pk__in=Task.objects.filter(youth=youth, kind=Task.Kind.MEETING).values("pk")[:1]
        ).delete()


def _undo_contact(youth: Youth, arg, staff, today: dt.date) -> None:
    ContactAttempt.objects.filter(
        pk__in=ContactAttempt.objects.filter(youth=youth).order_by("-pk").values("pk")[:1]
    ).delete()


def _contact(youth: Youth, arg, staff, today: dt.date) -> None:
    """An attempt without result ("fail"), or the youth reached."""
    outcome = {"phone": "no_answer", "sms": "sent", "postcard": "returned_mail"}.get(
        arg, "reached"
    )
    services.contact_attempt_log(youth=youth, channel=arg or "phone", outcome=outcome, staff=None)


def _complete(youth: Youth, arg, staff, today: dt.date) -> None:
    """Complete one open task of the case (`arg`: which, by due date), or all of them."""
    open_tasks = list(
        Task.objects.filter(youth=youth, status="open", case__isnull=False).order_by(
            "due_date", "pk"
        )
    )
    if open_tasks:
        chosen = open_tasks if arg == "all" else [open_tasks[arg % len(open_tasks)]]
        for task in chosen:
            services.task_complete(task=task, staff=staff)


def _migrate(youth: Youth, arg, staff, today: dt.date) -> None:
    newer = routine_from_template(municipality=youth.municipality, key=arg, actor=staff)
    cases_migrate(routine=newer, actor=staff)


CHANGES = {
    "restrict": _restrict,
    "phone": _phone,
    "close": _close,
    "reopen": _reopen,
    "meeting": _meeting,
    "undo_contact": _undo_contact,
    "fail": _contact,
    "reached": _contact,
    "complete": _complete,
    "complete_all": _complete,
    "migrate": _migrate,
}
# Logged by staff only while the youth is in KAA and not restricted.
NEEDS_OPEN_PERIOD = {"fail", "reached", "complete", "complete_all"}


def _apply(op: tuple, youths: list[Youth], staff, traveller) -> None:
    kind, index, arg = op
    if kind == "days":
        traveller.shift(dt.timedelta(days=arg))
        return
    youth = Youth.objects.get(pk=youths[index].pk)
    if kind in NEEDS_OPEN_PERIOD and (
        youth.restricted_at or not KaaPeriod.objects.filter(youth=youth, end_date__isnull=True)
    ):
        return
    CHANGES[kind](youth, arg, staff, timezone.localdate())


class _Rollback(Exception):
    pass


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=1, max_size=8))
def test_the_incremental_run_gives_the_full_pass_tasks_after_any_changes(
    municipality, askersund, coordinator, ops
):
    try:
        with transaction.atomic(), time_machine.travel(_at(REG), tick=False) as traveller:
            youths = [
                _youth(municipality),  # 16, with a phone
                _youth(municipality, birth_date=ADULT),
                _youth(municipality, phone="", birth_date=dt.date(2009, 1, 15)),  # no phone
            ]
            expected = _full_pass_state()
            deadlines_refresh_marked()
            assert _state() == expected
            for op in ops:
                _apply(op, youths, coordinator, traveller)
                expected = _full_pass_state()
                deadlines_refresh_marked()
                assert _state() == expected, op
                assert _marked() == set()
            raise _Rollback
    except _Rollback:
        pass
    assert connection.in_atomic_block  # the test's own transaction is still there
