"""The youth's "last reached" has one writer, called once for every contact that reached them."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outreach.models import ContactAttempt
from outreach.queue import services
from tests.factories import youth_make
from youth.models import CaseStatus, Youth


def _last_reached_writes(queries: CaptureQueriesContext) -> int:
    return sum(
        1
        for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "youth_youth" SET "last_reached_on"')
    )


def test_a_logged_reached_contact_writes_last_reached_once(municipality, coach):
    youth = youth_make(municipality=municipality, coach=coach)
    with CaptureQueriesContext(connection) as queries:
        services.contact_attempt_log(youth=youth, channel="phone", outcome="reached", staff=coach)
    assert _last_reached_writes(queries) == 1
    today = timezone.localdate()
    assert (youth.last_reached_on, youth.status) == (today, CaseStatus.IN_CONTACT)
    assert Youth.objects.values_list("last_reached_on", "status").get(pk=youth.pk) == (
        today,
        CaseStatus.IN_CONTACT,
    )


def test_a_back_dated_contact_does_not_move_last_reached_backwards(municipality, coach):
    youth = youth_make(municipality=municipality, coach=coach)
    services.contact_attempt_log(youth=youth, channel="phone", outcome="reached", staff=coach)
    services.contact_attempt_log(
        youth=youth,
        channel="phone",
        outcome="reached",
        staff=coach,
        at=timezone.now() - dt.timedelta(days=10),
    )
    youth.refresh_from_db()
    assert youth.last_reached_on == timezone.localdate()


def test_a_contact_saved_without_the_contact_log_keeps_the_facts_too(municipality):
    """Saved straight through the ORM (imports, tests): the same one writer."""
    youth = youth_make(municipality=municipality)
    with CaptureQueriesContext(connection) as queries:
        ContactAttempt.objects.create(
            youth=youth, channel="phone", outcome="reached", at=timezone.now()
        )
    assert _last_reached_writes(queries) == 1
    youth.refresh_from_db()
    assert youth.last_reached_on == timezone.localdate()
