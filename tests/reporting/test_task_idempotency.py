"""Exports asked for once are built once, however often their task is delivered,
and no two runs of a scheduled job work at the same time."""

from __future__ import annotations

import time
import uuid

import psycopg
import pytest
from django.db import connection

from kaa.lib.joblock import job_lock, lock_key
from kaa.models import AuditEvent
from kaa.schedule import BEAT_SCHEDULE
from reporting.board.tasks import board_report_build, board_reports_scheduled
from reporting.models import BoardReport, ScbFile
from reporting.scb.tasks import scb_file_build

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-23 09:00 +01:00", tick=False)


def test_an_scb_file_task_delivered_twice_builds_one_file(municipality, register, coordinator):
    key = str(uuid.uuid4())
    first = scb_file_build(municipality.pk, "2026H1", coordinator.pk, "", request_key=key)
    assert first.startswith("file ")
    assert first.endswith("16 rows")
    assert (
        scb_file_build(municipality.pk, "2026H1", coordinator.pk, "", request_key=key)
        == "already built"
    )
    assert ScbFile.objects.filter(request_key=key).count() == 1
    assert AuditEvent.objects.filter(action="export", detail="scb:2026H1").count() == 1
    # A new request is a new file.
    scb_file_build(municipality.pk, "2026H1", coordinator.pk, "", request_key=str(uuid.uuid4()))
    assert ScbFile.objects.count() == 2


def test_a_board_report_task_delivered_twice_builds_one_report(municipality, october, manager):
    key = str(uuid.uuid4())
    args = (municipality.pk, "monthly", "2026-10-01", "2026-10-31", None, manager.pk)
    assert board_report_build(*args, request_key=key).startswith("report ")
    assert board_report_build(*args, request_key=key) == "already built"
    assert BoardReport.objects.filter(request_key=key).count() == 1


def _other_session() -> psycopg.Connection:
    """A second database session, as another worker process would have."""
    return psycopg.connect(
        **{
            k: v
            for k, v in {
                "dbname": connection.settings_dict["NAME"],
                "user": connection.settings_dict["USER"],
                "host": connection.settings_dict["HOST"],
                "port": connection.settings_dict["PORT"],
                "password": connection.settings_dict["PASSWORD"],
            }.items()
            if v
        },
        autocommit=True,
    )


def _lock_held(key: tuple[int, int]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
            "AND classid = %s AND objid = %s AND granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            key,
        )
        return cursor.fetchone()[0] > 0


def test_a_scheduled_job_does_nothing_while_another_run_holds_its_lock(municipality):
    key = lock_key("reporting.tasks.board_reports_scheduled")
    other = _other_session()  # another worker is running the job
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", key)
        # A second beat at the same minute: this run returns at once.
        assert board_reports_scheduled() == "locked: another run is active"
        other.execute("SELECT pg_advisory_unlock(%s, %s)", key)  # that run ends
    finally:
        other.close()
    assert board_reports_scheduled() == 0  # the lock is free again; nothing is due today
    with job_lock("reporting.tasks.board_reports_scheduled") as got:
        assert got
    assert not _lock_held(key)  # released when the run ended


def test_the_server_frees_the_lock_of_a_worker_that_died(municipality):
    key = lock_key("reporting.tasks.board_reports_scheduled")
    other = _other_session()
    other.execute("SELECT pg_advisory_lock(%s, %s)", key)
    assert _lock_held(key)
    other.close()  # the worker's connection is gone without unlocking
    # The server ends the backend asynchronously after the client leaves: wait for it.
    for _ in range(100):
        if not _lock_held(key):
            break
        time.sleep(0.05)
    assert board_reports_scheduled() == 0


def test_every_scheduled_job_is_guarded_by_its_lock():
    from django.utils.module_loading import import_string

    for entry in BEAT_SCHEDULE.values():
        task = import_string(entry["task"])
        assert getattr(task.run, "__wrapped__", None) is not None, entry["task"]
