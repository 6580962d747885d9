"""A real Celery worker consumes a real task through the real Redis broker."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.utils import timezone

from kaa.celery import app
from kaa.tasks import sessions_purge_expired


@pytest.fixture
def real_worker(settings):
    # Each xdist process gets its own queue, so parallel test runs never steal each other's tasks.
    queue = f"kaa-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    previous = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue",
                                               "result_backend")}
    app.conf.update(task_always_eager=False, task_default_queue=queue,
                    result_backend=settings.REDIS_URL)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue],
                          shutdown_timeout=10):
            yield queue
    finally:
        app.conf.update(previous)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_session_purge_through_redis(real_worker):
    now = timezone.now()
    Session.objects.create(session_key="a" * 32, session_data="x",
                           expire_date=now - dt.timedelta(days=1))
    Session.objects.create(session_key="b" * 32, session_data="x",
                           expire_date=now + dt.timedelta(days=1))
    result = sessions_purge_expired.delay()
    assert result.get(timeout=30) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]


def test_the_beat_schedule_names_only_registered_tasks():
    from kaa.schedule import BEAT_SCHEDULE

    app.loader.import_default_modules()
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
