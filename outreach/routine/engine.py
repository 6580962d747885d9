"""The daily deadline job: from each open case's routine version and contact log, make sure
exactly the right tasks exist with the right due dates.

Idempotent by construction: tasks are keyed by (case, step) in the database, the job only
creates what is missing, moves due dates that changed and cancels what no longer applies.
Running it twice, or in two beats at once, changes nothing the second time.

Two ways to run it, with the same result (docs/adr/0008-deadline-job-marks.md):
- the full pass (`deadlines_refresh`, once a day) reconciles every open case;
- the incremental run (`deadlines_refresh_marked`, every few minutes) reconciles only the
  cases of youths marked since (a database trigger marks a youth in the same transaction as
  any change to a fact the job reads) and the cases whose `recheck_on` day has come: the
  calendar alone changes a case's result only when its last planned deadline has passed
  (the routine is then exhausted and outreach is extended), and that day is kept on the case.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from kaa.lib.joblock import job_lock
from outreach.calendar import add_offset, next_business_day_on_or_after
from outreach.queue.models import UNSUCCESSFUL_OUTCOMES, ContactAttempt, OutreachCase, Task
from outreach.routine.models import Anchor, DeadlineMark, Routine, RoutineStep
from youth.models import KaaPeriod
from youth.personnummer import age_on
from youth.register.services import timeline_add

CHUNK = 2000
CONDITION = "villkor"  # cancel reason when a step's condition stops holding
LOCK = "outreach.deadlines_refresh"  # the full pass and the incremental run take turns


@contextmanager
def _own_writes() -> Iterator[None]:
    """Inside a transaction: what the job writes marks no youth (the marking triggers skip
    while `kaa.deadlines_job` is on), since what it wrote is what it would write again.
    Switched off again at the end, as the transaction may go on (a nested atomic block);
    if the block fails, the rollback to its savepoint undoes the setting with the rest."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('kaa.deadlines_job', 'on', true)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('kaa.deadlines_job', 'off', true)")


@dataclass(frozen=True)
class Planned:
    step: RoutineStep
    due: dt.date
    guardian_copy: bool
    two_staff: bool


@dataclass
class CaseFacts:
    start: dt.date
    birth_date: dt.date
    has_phone: bool
    reached: bool
    unsuccessful: list[dt.date] = field(default_factory=list)  # dates, oldest first
    done: dict[int, dt.date] = field(default_factory=dict)  # step id -> date done


def plan_case(steps: list[RoutineStep], facts: CaseFacts) -> list[Planned]:
    """The tasks a case should have now, in step order (a pure function of the facts)."""
    planned: list[Planned] = []
    previous = facts.start
    # Per channel, the last planned step's deadline and the day it was done (if it was).
    last_of_channel: dict[str, tuple[dt.date, dt.date | None]] = {}
    for step in steps:
        base = facts.start if step.anchor == Anchor.REGISTRATION else previous
        due = add_offset(base, step.offset_value, step.offset_unit)
        earlier = last_of_channel.get(step.channel)
        if (
            step.anchor == Anchor.REGISTRATION
            and earlier
            and earlier[1]
            and earlier[1] > earlier[0]
        ):
            # The earlier card of the same kind went out late: this one keeps the routine's
            # spacing from the day that one was done (never two postcards days apart).
            due = max(due, earlier[1] + (due - earlier[0]))
        if step.min_failed_attempts:
            if len(facts.unsuccessful) < step.min_failed_attempts:
                continue
            due = max(due, facts.unsuccessful[step.min_failed_attempts - 1])
        # A deadline that ends on a weekend or holiday moves to the next business day
        # (lagen (1930:173) om beräkning av lagstadgad tid).
        due = next_business_day_on_or_after(due)
        under_18 = age_on(facts.birth_date, due) < 18
        if (
            (step.requires_phone and not facts.has_phone)
            or (step.only_if_not_reached and facts.reached)
            or (step.only_under_18 and not under_18)
        ):
            continue
        planned.append(Planned(step, due, step.guardian_if_under_18 and under_18, step.two_staff))
        previous = facts.done.get(step.pk, due)
        last_of_channel[step.channel] = (due, facts.done.get(step.pk))
    return planned


@dataclass
class JobStats:
    cases_created: int = 0
    tasks_created: int = 0
    tasks_moved: int = 0
    tasks_cancelled: int = 0
    retries: int = 0

    def __str__(self) -> str:
        return (
            f"cases_created={self.cases_created} tasks_created={self.tasks_created} "
            f"tasks_moved={self.tasks_moved} tasks_cancelled={self.tasks_cancelled} "
            f"retries={self.retries}"
        )


def cases_ensure(
    *, period_ids: list[int] | None = None, youths: QuerySet[DeadlineMark] | None = None
) -> int:
    """Open an outreach case, on the municipality's current routine, for every open period
    that has none (only those of `period_ids`, or of the youths of `youths`, if given)."""
    routines = {r.municipality_id: r for r in Routine.objects.filter(is_current=True)}
    # Only KAA periods: a UKAA period's youth is already in an activity (no outreach routine).
    missing = (
        KaaPeriod.objects.kaa()
        .writable()
        .filter(
            end_date__isnull=True,
            outreach_case__isnull=True,
            youth__municipality_id__in=list(routines),
        )
    )
    if period_ids is not None:
        missing = missing.filter(pk__in=period_ids)
    if youths is not None:
        missing = missing.filter(youth_id__in=youths.values("youth_id"))
    rows = missing.values_list("pk", "youth_id", "youth__municipality_id", "start_date")
    created = [
        OutreachCase(period_id=pk, youth_id=youth_id, routine=routines[muni], started_on=start)
        for pk, youth_id, muni, start in rows
    ]
    if created:
        with transaction.atomic(), _own_writes():
            OutreachCase.objects.bulk_create(created, batch_size=CHUNK, ignore_conflicts=True)
    return len(created)


def cases_close_ended(*, youths: QuerySet[DeadlineMark] | None = None) -> int:
    """Cases whose KAA period has ended: close them and cancel what was still to do (only
    the youths of `youths` if given)."""
    ended = OutreachCase.objects.filter(closed_on__isnull=True, period__end_date__isnull=False)
    if youths is not None:
        ended = ended.filter(youth_id__in=youths.values("youth_id"))
    cancelled = 0
    rows = list(ended.values_list("pk", "period__end_date"))
    if not rows:
        return 0
    with transaction.atomic(), _own_writes():
        for pk, end in rows:
            cancelled += Task.objects.filter(case_id=pk, status=Task.Status.OPEN).update(
                status=Task.Status.CANCELLED, cancel_reason="perioden avslutad"
            )
            OutreachCase.objects.filter(pk=pk).update(closed_on=end, recheck_on=None)
    return cancelled


def _steps_by_routine(routine_ids: list[int] | None = None) -> dict[int, list[RoutineStep]]:
    steps = RoutineStep.objects.order_by("routine_id", "order")
    if routine_ids is not None:
        steps = steps.filter(routine_id__in=routine_ids)
    by_routine: dict[int, list[RoutineStep]] = defaultdict(list)
    for step in steps:
        by_routine[step.routine_id].append(step)
    return by_routine


def _refreshable_cases() -> QuerySet[OutreachCase]:
    """Open cases of open periods; a youth whose processing is restricted (GDPR art. 18) is
    frozen: no new tasks."""
    return OutreachCase.objects.filter(
        closed_on__isnull=True,
        period__end_date__isnull=True,
        youth__restricted_at__isnull=True,
    )


def cases_refresh(
    *,
    period_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
    today: dt.date | None = None,
) -> JobStats:
    """What the nightly job does, at once for a few cases: a period just opened gets its case
    and its first tasks, a step just done moves the steps counted from it. Safe beside the
    nightly job (tasks are unique per case and step; creating skips what exists)."""
    today = today or timezone.localdate()
    stats = JobStats()
    cases = _refreshable_cases()
    if period_ids is not None:
        stats.cases_created = cases_ensure(period_ids=period_ids)
        cases = cases.filter(period_id__in=period_ids)
    if case_ids is not None:
        cases = cases.filter(pk__in=case_ids)
    rows = list(cases.order_by("pk").values_list("pk", "routine_id"))
    steps_by_routine = _steps_by_routine(sorted({routine for _pk, routine in rows}))
    ids = [pk for pk, _routine in rows]
    for start in range(0, len(ids), CHUNK):
        _refresh_chunk(ids[start : start + CHUNK], steps_by_routine, today, stats)
    return stats


def deadlines_refresh(*, today: dt.date | None = None) -> JobStats | None:
    """The full pass: bring every open case's tasks up to date. Returns None if another run
    holds the lock. The marks it read first are removed after (it has looked at everyone)."""
    today = today or timezone.localdate()
    with job_lock(LOCK) as got:
        if not got:
            return None
        marks = _marks_read()
        stats = JobStats(cases_created=cases_ensure())
        stats.tasks_cancelled += cases_close_ended()
        steps_by_routine = _steps_by_routine()
        case_ids = list(_refreshable_cases().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(case_ids), CHUNK):
            _refresh_chunk(case_ids[start : start + CHUNK], steps_by_routine, today, stats)
        stats.tasks_created += turning_20_letters_ensure(today=today)
        _marks_clear(marks)
        return stats


def deadlines_refresh_marked(*, today: dt.date | None = None) -> JobStats | None:
    """The incremental run: the same result as the full pass, looking only at the youths
    marked since and the cases whose `recheck_on` day has come. Returns None if another run
    holds the lock. On a database without the marking triggers (the SQLite demo) it is the
    full pass."""
    if connection.vendor != "postgresql":
        return deadlines_refresh(today=today)
    today = today or timezone.localdate()
    with job_lock(LOCK) as got:
        if not got:
            return None
        marks = _marks_read()
        stats = JobStats()
        due = set(_refreshable_cases().filter(recheck_on__lte=today).values_list("pk", flat=True))
        if marks:
            # Marks made after the read are taken too (looking again is harmless); only the
            # marks read are removed at the end, so a change made during the run stays marked.
            marked = DeadlineMark.objects.all()
            stats.cases_created = cases_ensure(youths=marked)
            stats.tasks_cancelled += cases_close_ended(youths=marked)
            due.update(
                OutreachCase.objects.filter(youth_id__in=marked.values("youth_id")).values_list(
                    "pk", flat=True
                )
            )
        if due:
            rows = list(
                _refreshable_cases()
                .filter(pk__in=sorted(due))
                .order_by("pk")
                .values_list("pk", "routine_id")
            )
            steps_by_routine = _steps_by_routine(sorted({routine for _pk, routine in rows}))
            ids = [pk for pk, _routine in rows]
            for start in range(0, len(ids), CHUNK):
                _refresh_chunk(ids[start : start + CHUNK], steps_by_routine, today, stats)
        # Date-driven and youth-wide, and one indexed query: run in full every time.
        stats.tasks_created += turning_20_letters_ensure(today=today)
        _marks_clear(marks)
        return stats


def _marks_read() -> list[tuple[int, int]]:
    return list(DeadlineMark.objects.values_list("youth_id", "seq"))


def _marks_clear(marks: list[tuple[int, int]]) -> None:
    """Remove the marks read, each only if unchanged: a youth marked again meanwhile (a new
    `seq`, also one written by a transaction still open, whose row lock this waits for)
    stays marked for the next run."""
    if not marks:
        return
    if connection.vendor != "postgresql":  # one writer at a time (SQLite)
        DeadlineMark.objects.filter(pk__in=[y for y, _seq in marks]).delete()
        return
    with connection.cursor() as cursor:
        for start in range(0, len(marks), CHUNK * 5):
            part = marks[start : start + CHUNK * 5]
            cursor.execute(
                "DELETE FROM outreach_deadlinemark m "
                "USING unnest(%s::bigint[], %s::bigint[]) AS r(youth_id, seq) "
                "WHERE m.youth_id = r.youth_id AND m.seq = r.seq",
                [[y for y, _seq in part], [seq for _y, seq in part]],
            )


def turning_20_letters_ensure(*, today: dt.date) -> int:
    """A letter task for every youth in KAA whose 20th birthday is near (where to get
    support afterwards), once per period."""
    from youth.register.services import youths_turning_20

    notice = settings.KAA_TURNING_20_NOTICE_DAYS
    already = Task.objects.filter(
        youth=OuterRef("pk"),
        kind=Task.Kind.TURNING_20,
        created_at__date__gte=OuterRef("_period_start"),
    )
    open_start = KaaPeriod.objects.filter(youth=OuterRef("pk"), end_date__isnull=True)
    youths = (
        youths_turning_20(today=today, within_days=notice)
        .annotate(_period_start=Subquery(open_start.values("start_date")[:1]))
        .filter(~Exists(already), restricted_at__isnull=True)
    )  # frozen: no new task
    tasks = [
        Task(
            youth=y,
            kind=Task.Kind.TURNING_20,
            channel="letter",
            title=str(Task.Kind.TURNING_20.label),
            due_date=max(today, y.twentieth_birthday - dt.timedelta(days=30)),
        )
        for y in youths
    ]
    if tasks:
        with transaction.atomic(), _own_writes():
            Task.objects.bulk_create(tasks, batch_size=CHUNK, ignore_conflicts=True)
    return len(tasks)


@dataclass
class _Chunk:
    cases: list[OutreachCase]
    unsuccessful: dict[int, list[dt.date]]
    tasks: dict[int, dict[int, Task]]
    open_other: dict[int, list[Task]]
    retried: dict[int, dt.date]
    escalated: set[int] = field(default_factory=set)


# Only the columns the job reads: a chunk is 2,000 cases with their youths and every task
# they ever had, and building model instances with every column was most of a full pass.
CASE_FIELDS = (
    "id",
    "youth_id",
    "period_id",
    "routine_id",
    "started_on",
    "recheck_on",
    "youth__id",
    "youth__birth_date",
    "youth__phone",
    "youth__phone_alt",
    "youth__last_reached_on",
    "routine__id",
    "routine__retry_after_days",
    "routine__concern_after_attempts",
)
TASK_FIELDS = (
    "id",
    "youth_id",
    "case_id",
    "step_id",
    "kind",
    "status",
    "due_date",
    "done_at",
    "cancel_reason",
)


def _load_chunk(ids: list[int]) -> _Chunk:
    cases = list(
        OutreachCase.objects.filter(pk__in=ids)
        .select_related("youth", "routine")
        .only(*CASE_FIELDS)
    )
    chunk = _Chunk(cases, defaultdict(list), defaultdict(dict), defaultdict(list), {})
    for period_id, at in (
        ContactAttempt.objects.filter(
            period_id__in=[c.period_id for c in cases], outcome__in=UNSUCCESSFUL_OUTCOMES
        )
        .order_by("at")
        .values_list("period_id", "at")
    ):
        chunk.unsuccessful[period_id].append(timezone.localtime(at).date())
    for task in Task.objects.filter(case_id__in=ids).only(*TASK_FIELDS):
        case_id = cast(int, task.case_id)  # the filter names a case
        if task.kind == Task.Kind.ESCALATION:
            chunk.escalated.add(case_id)
        if task.step_id:
            chunk.tasks[case_id][task.step_id] = task
        elif task.status == Task.Status.OPEN:
            chunk.open_other[case_id].append(task)
        elif task.kind == Task.Kind.RETRY and task.done_at:
            done = timezone.localtime(task.done_at).date()
            chunk.retried[case_id] = max(done, chunk.retried.get(case_id, done))
    return chunk


@transaction.atomic
def _refresh_chunk(
    ids: list[int], steps_by_routine: dict[int, list[RoutineStep]], today: dt.date, stats: JobStats
) -> None:
    with _own_writes():
        _refresh_loaded(_load_chunk(ids), steps_by_routine, today, stats)


def _refresh_loaded(
    chunk: _Chunk, steps_by_routine: dict[int, list[RoutineStep]], today: dt.date, stats: JobStats
) -> None:
    new: list[Task] = []
    moved: list[Task] = []
    cancelled: list[Task] = []
    recheck: dict[dt.date | None, list[int]] = defaultdict(list)
    for case in chunk.cases:
        plan = _reconcile_case(
            case, chunk, steps_by_routine[case.routine_id], today, stats, new, moved, cancelled
        )
        on = _recheck_on(plan, today)
        if on != case.recheck_on:
            recheck[on].append(case.pk)
    for on, case_ids in recheck.items():
        OutreachCase.objects.filter(pk__in=case_ids).update(recheck_on=on)
    Task.objects.bulk_create(new, batch_size=CHUNK, ignore_conflicts=True)
    for task in moved:
        # Conditional: a task a coach completed while the job ran is left as the coach left it.
        Task.objects.filter(
            pk=task.pk, status__in=[Task.Status.OPEN, Task.Status.CANCELLED], done_at__isnull=True
        ).update(due_date=task.due_date, status=task.status, cancel_reason=task.cancel_reason)
    stats.tasks_cancelled += Task.objects.filter(
        pk__in=[t.pk for t in cancelled], status=Task.Status.OPEN
    ).update(status=Task.Status.CANCELLED, cancel_reason=CONDITION)
    stats.tasks_created += len(new)
    stats.tasks_moved += len(moved)


def _reconcile_case(
    case: OutreachCase,
    chunk: _Chunk,
    steps: list[RoutineStep],
    today: dt.date,
    stats: JobStats,
    new: list[Task],
    moved: list[Task],
    cancelled: list[Task],
) -> list[Planned]:
    """Compare one case's plan with its tasks and note what to create, move or cancel;
    returns the plan."""
    youth, existing = case.youth, chunk.tasks[case.pk]
    facts = CaseFacts(
        start=case.started_on,
        birth_date=youth.birth_date,
        has_phone=bool(youth.phone or youth.phone_alt),
        reached=bool(youth.last_reached_on and youth.last_reached_on >= case.started_on),
        unsuccessful=chunk.unsuccessful[case.period_id],
        done={
            sid: timezone.localtime(t.done_at).date() for sid, t in existing.items() if t.done_at
        },
    )
    plan = plan_case(steps, facts)
    wanted = {p.step.pk for p in plan}
    for planned in plan:
        task = existing.get(planned.step.pk)
        if task is None:
            new.append(
                Task(
                    youth=youth,
                    case=case,
                    step=planned.step,
                    kind=Task.Kind.STEP,
                    channel=planned.step.channel,
                    title=planned.step.title,
                    due_date=planned.due,
                    guardian_copy=planned.guardian_copy,
                    two_staff=planned.two_staff,
                )
            )
        elif task.status == Task.Status.CANCELLED and task.cancel_reason == CONDITION:
            # The condition holds again (e.g. a phone number was added): back on the list.
            task.status, task.cancel_reason, task.due_date = Task.Status.OPEN, "", planned.due
            moved.append(task)
        elif task.status == Task.Status.OPEN and task.due_date != planned.due:
            task.due_date = planned.due
            moved.append(task)
    for step_id, task in existing.items():
        if task.status == Task.Status.OPEN and step_id not in wanted:
            cancelled.append(task)
    _escalate(case, facts, chunk, today, new)
    if facts.reached or chunk.open_other[case.pk] or not _routine_exhausted(plan, existing, today):
        return plan
    last = max(
        [p.due for p in plan]
        + list(facts.done.values())
        + [case.started_on]
        + ([chunk.retried[case.pk]] if case.pk in chunk.retried else [])
    )
    retry_on = max(today, last + dt.timedelta(days=case.routine.retry_after_days))
    new.append(
        Task(
            youth=youth,
            case=case,
            kind=Task.Kind.RETRY,
            title="Nytt försök att nå ungdomen",
            due_date=retry_on,
        )
    )
    OutreachCase.objects.filter(pk=case.pk).update(retry_on=retry_on)
    timeline_add(
        youth=youth,
        kind="outreach_extended",
        summary=f"Rutinen är genomförd utan kontakt; uppsökandet förlängs, nytt "
        f"försök senast {retry_on.isoformat()}",
    )
    stats.retries += 1
    return plan


def _recheck_on(plan: list[Planned], today: dt.date) -> dt.date | None:
    """The day on which the calendar alone can next change the case's result, if any.

    Everything the job derives is a function of the facts (which mark the youth when they
    change) and of today's date in two places only: the routine counts as exhausted (and
    outreach is extended) once every planned deadline has passed, i.e. from the day after
    the last one; and the concern-report step is not made from the 18th birthday on, which
    can only take away what an earlier run, on the day the attempts were logged, made."""
    if not plan:
        return None
    after_last = max(p.due for p in plan) + dt.timedelta(days=1)
    return after_last if after_last > today else None


def _escalate(
    case: OutreachCase, facts: CaseFacts, chunk: _Chunk, today: dt.date, new: list[Task]
) -> None:
    """Under 18, not reached, N attempts without result: "consider a report of concern"."""
    threshold = case.routine.concern_after_attempts
    if (
        not threshold
        or facts.reached
        or case.pk in chunk.escalated
        or len(facts.unsuccessful) < threshold
        or age_on(facts.birth_date, today) >= 18
    ):
        return
    new.append(
        Task(
            youth=case.youth,
            case=case,
            kind=Task.Kind.ESCALATION,
            channel="concern_report",
            title="Överväg orosanmälan till socialtjänsten",
            due_date=next_business_day_on_or_after(facts.unsuccessful[threshold - 1]),
        )
    )
    chunk.escalated.add(case.pk)


def _routine_exhausted(plan: list[Planned], tasks: dict[int, Task], today: dt.date) -> bool:
    """Every planned step has been done (or cancelled) and its deadline has passed."""
    if not plan:
        return False
    for planned in plan:
        task = tasks.get(planned.step.pk)
        if task is None or task.status == Task.Status.OPEN or planned.due >= today:
            return False
    return True
