"""Concurrent requests (security.md R-02, R-03), each on its own database connection: notes
never conflict; closing the same period or moving the same youth at the same moment succeeds
once, and the other gets a conflict, with nothing half written."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from kaa.models import AuditEvent
from tests.factories import reason, youth_make
from youth.caseload import services as caseload_services
from youth.models import Assignment, KaaPeriod, Note, TimelineEntry, Youth
from youth.notes import services as notes_services
from youth.register import services

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(calls: list[Callable[[], object]]) -> list[str]:
    """Run the calls in threads released together; "ok" or the error's code for each."""
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], object]) -> None:
        try:
            start.wait(10)
            call()
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code or "invalid")
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_twenty_notes_at_once_are_all_kept_and_audited(municipality, coach):
    youth = youth_make(municipality=municipality, coach=coach)
    outcomes = _at_once(
        [
            (
                lambda i=i: notes_services.note_add(
                    youth=youth, author=coach, text=f"Anteckning {i}"
                )
            )
            for i in range(20)
        ]
    )
    assert outcomes == ["ok"] * 20
    notes = list(Note.objects.filter(youth=youth).order_by("created_at", "pk"))
    assert sorted(n.text for n in notes) == sorted(f"Anteckning {i}" for i in range(20))
    assert [n.created_at for n in notes] == sorted(n.created_at for n in notes)
    assert (
        AuditEvent.objects.filter(
            action="create", object_type="youth.note", youth_id=youth.pk
        ).count()
        == 20
    )


def test_closing_the_same_period_twice_at_once_closes_it_once(municipality, coach, coordinator):
    youth = youth_make(municipality=municipality, coach=coach)
    period = KaaPeriod.objects.get(youth=youth, end_date__isnull=True)
    why = reason("PABORJAT_NATIONELLT_EL_MOTSV", "deregistration")
    outcomes = _at_once(
        [
            lambda: services.period_close(
                period=period, end_date=timezone.localdate(), reason=why, actor=coordinator
            )
        ]
        * 2
    )
    assert sorted(outcomes) == ["already_closed", "ok"]
    assert TimelineEntry.objects.filter(youth=youth, kind="period_closed").count() == 1
    assert (
        AuditEvent.objects.filter(
            action="update", object_type="youth.kaaperiod", object_id=str(period.pk)
        ).count()
        == 1
    )


def test_moving_the_same_youth_to_two_coaches_at_once_moves_it_once(
    municipality, coach, colleague, coordinator
):
    youth = youth_make(municipality=municipality)
    outcomes = _at_once(
        [
            lambda: caseload_services.youth_assign(
                youth=youth, coach=coach, team=None, actor=coordinator, was=0
            ),
            lambda: caseload_services.youth_assign(
                youth=youth, coach=colleague, team=None, actor=coordinator, was=0
            ),
        ]
    )
    assert sorted(outcomes) == ["ok", "stale"]
    youth = Youth.objects.get(pk=youth.pk)
    assert youth.coach in (coach, colleague)
    [current] = Assignment.objects.filter(youth=youth, ended_at__isnull=True)
    assert current.coach == youth.coach
    assert TimelineEntry.objects.filter(youth=youth, kind="assigned").count() == 1
