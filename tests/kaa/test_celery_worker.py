"""A real Celery worker consumes a real task through the real Redis broker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from kaa.celery import app
from kaa.tasks import sessions_purge_expired


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_session_purge_through_redis(real_worker):
    now = timezone.now()
    Session.objects.create(
        session_key="a" * 32, session_data="x", expire_date=now - dt.timedelta(days=1)
    )
    Session.objects.create(
        session_key="b" * 32, session_data="x", expire_date=now + dt.timedelta(days=1)
    )
    result = sessions_purge_expired.delay()
    assert result.get(timeout=30) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]


def test_the_beat_schedule_names_only_registered_tasks():
    from kaa.schedule import BEAT_SCHEDULE

    app.loader.import_default_modules()
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
