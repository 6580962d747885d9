"""Two coordinators saving the municipality's first routine at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kaa.versioning import StaleEdit
from outreach.models import Routine
from outreach.routine import services

pytestmark = pytest.mark.django_db(transaction=True)

STEP = {
    "order": 1,
    "title": "Sms",
    "channel": "sms",
    "offset_value": 3,
    "offset_unit": "business_days",
    "anchor": "registration",
    "requires_phone": True,
    "only_if_not_reached": True,
    "guardian_if_under_18": False,
    "only_under_18": False,
    "min_failed_attempts": 0,
    "two_staff": False,
    "instructions": "",
}


def test_two_first_saves_at_once_give_one_routine_and_a_conflict(municipality):
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(name: str) -> None:
        try:
            start.wait(5)
            services.routine_save_version(
                municipality=municipality, name=name, steps=[dict(STEP)], actor=None, version=0
            )
            outcomes.append("saved")
        except StaleEdit:
            outcomes.append("stale")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(name,)) for name in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcomes) == ["saved", "stale"]
    assert Routine.objects.get().version == 1
