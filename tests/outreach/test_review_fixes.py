"""Cases found in review: ended periods, migration history, task matching, reopening,
double sends, bad input."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach.letters import merge
from outreach.letters.services import templates_ensure_defaults
from outreach.messaging.services import message_queue
from outreach.models import ContactAttempt, MessageTemplate, OutgoingMessage, Task
from outreach.queue import services
from outreach.routine.engine import deadlines_refresh
from outreach.routine.services import cases_migrate, routine_from_template, routine_save_version
from tests.factories import occupation_type, reason, youth_make
from youth.register.services import period_close

REG = dt.date(2026, 9, 7)
TZ = dt.timezone(dt.timedelta(hours=2))


def _at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


@pytest.fixture
def youth(municipality, coach, coordinator):
    routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    with time_machine.travel(_at(REG)):
        young = youth_make(
            municipality=municipality,
            coach=coach,
            phone="070-1",
            birth_date=dt.date(2010, 3, 1),
            start_date=REG,
        )
        deadlines_refresh()
    return young


def _open(youth):
    return set(Task.objects.filter(youth=youth, status="open").values_list("title", flat=True))


def test_an_ended_period_cancels_the_routine(youth, client_for, coach):
    with time_machine.travel(_at(REG + dt.timedelta(days=10))):
        period_close(
            period=youth.periods.get(),
            end_date=REG + dt.timedelta(days=10),
            reason=reason("PABORJAT_NATIONELLT_EL_MOTSV", "deregistration"),
            actor=None,
        )
        body = client_for(coach).get(reverse("outreach:queue")).content.decode()
        assert youth.last_name not in body  # gone from the queue at once
        deadlines_refresh()
    # Only the re-checks of where the youth went remain (the period ended with studies).
    assert _open(youth) == {
        "Återkontroll 3 månader efter KAA",
        "Återkontroll 6 månader efter KAA",
    }
    assert youth.outreach_cases.get().closed_on == REG + dt.timedelta(days=10)


def test_migration_keeps_what_was_done(youth, municipality, coordinator):
    for day, channel, outcome in ((14, "postcard", "sent"), (21, "phone", "no_answer")):
        services.contact_attempt_log(
            youth=youth,
            channel=channel,
            outcome=outcome,
            staff=None,
            at=_at(dt.date(2026, 9, day)),
        )
    v2 = routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    cases_migrate(routine=v2, actor=coordinator)
    with time_machine.travel(_at(dt.date(2026, 9, 22))):
        deadlines_refresh()
    new = {t.title: t.status for t in Task.objects.filter(youth=youth, step__routine=v2)}
    assert new["Vykort"] == "done"
    assert new["Telefonsamtal"] == "done"
    assert new["Andra vykortet"] == "open"


def test_returned_mail_completes_nothing(youth):
    services.contact_attempt_log(
        youth=youth, channel="postcard", outcome="sent", staff=None, at=_at(dt.date(2026, 9, 14))
    )
    with time_machine.travel(_at(dt.date(2026, 9, 30))):
        services.contact_attempt_log(
            youth=youth, channel="postcard", outcome="returned_mail", staff=None
        )
    assert "Andra vykortet" in _open(youth)


def test_a_later_contact_completes_the_follow_up_and_a_new_one_replaces_it(youth):
    with time_machine.travel(_at(dt.date(2026, 9, 28))):
        services.reached_record(
            youth=youth,
            staff=None,
            channel="phone",
            occupation_type=occupation_type("SAKNAR"),
            next_step="none",
        )
    meeting = Task.objects.get(youth=youth, kind="meeting")
    with time_machine.travel(_at(dt.date(2026, 10, 2))):
        services.contact_attempt_log(youth=youth, channel="meeting", outcome="reached", staff=None)
    meeting.refresh_from_db()
    assert meeting.status == "done"
    with time_machine.travel(_at(dt.date(2026, 10, 2))):
        services.reached_record(
            youth=youth,
            staff=None,
            channel="meeting",
            occupation_type=occupation_type("ARBETE"),
            next_step="declines",
        )
        services.reached_record(
            youth=youth,
            staff=None,
            channel="phone",
            occupation_type=occupation_type("KOMVUX"),
            next_step="declines",
        )
    follow_ups = Task.objects.filter(youth=youth, kind="follow_up", status="open")
    assert follow_ups.count() == 1
    assert follow_ups.get().due_date >= dt.date(2027, 1, 2)  # declines: at least 3 months


def test_a_step_skipped_for_a_condition_comes_back(youth):
    youth.phone = ""
    youth.save()
    with time_machine.travel(_at(REG + dt.timedelta(days=1))):
        deadlines_refresh()
    assert "Telefonsamtal" not in _open(youth)
    youth.phone = "070-2"
    youth.save()
    with time_machine.travel(_at(REG + dt.timedelta(days=2))):
        deadlines_refresh()
    assert "Telefonsamtal" in _open(youth)


def test_a_double_click_sends_one_sms(
    youth, coach, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.KAA_SMS_FILE_DIR = str(tmp_path)
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        message_queue(youth=youth, channel="sms", body="Hej", staff=coach, key=key)
        message_queue(youth=youth, channel="sms", body="Hej", staff=coach, key=key)
    assert OutgoingMessage.objects.count() == 1
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_bad_input_gives_messages_not_errors(youth, client_for, coach, coordinator, municipality):
    page = client_for(coach).get(reverse("outreach:reached", args=[youth.pk]) + "?uppgift=abc")
    assert page.status_code == 200
    with pytest.raises(ValidationError, match="formatering"):
        merge.validate("Hej {fornamn:>99999}")
    templates_ensure_defaults(municipality=municipality, actor=coordinator)
    body = (
        client_for(coordinator)
        .post(
            reverse("outreach:template_new"),
            {"kind": "sms", "name": "Sms", "subject": "", "body": "Hej", "is_active": "on"},
        )
        .content.decode()
    )
    assert "Det finns redan en mall med det namnet" in body
    assert MessageTemplate.objects.filter(kind="sms").count() == 1


def test_bulk_done_leaves_calls_alone(youth, client_for, coach):
    ids = list(Task.objects.filter(youth=youth).values_list("pk", flat=True))
    with time_machine.travel(_at(REG + dt.timedelta(days=15))):
        client_for(coach).post(reverse("outreach:tasks_bulk_done"), {"task": ids})
    done = set(Task.objects.filter(youth=youth, status="done").values_list("channel", flat=True))
    assert "phone" not in done
    assert "postcard" in done
    assert not ContactAttempt.objects.filter(channel="phone").exists()


def test_a_task_in_a_waiting_batch_is_not_offered_again(youth, coordinator, municipality):
    from outreach.letters.selectors import batch_candidates
    from outreach.letters.services import letter_batch_create

    templates_ensure_defaults(municipality=municipality, actor=coordinator)
    template = MessageTemplate.objects.get(kind="postcard")
    until = timezone.localdate() + dt.timedelta(days=400)
    letter_batch_create(user=coordinator, template=template, channel="postcard", until=until)
    tasks, _held = batch_candidates(user=coordinator, channel="postcard", until=until)
    assert tasks == []


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ({"offset_value": 70, "offset_unit": "months"}, "efter att ungdomen har fyllt 20"),
        (
            {"offset_value": 40, "offset_unit": "months", "only_under_18": True},
            "efter att ungdomen har fyllt 18",
        ),
        ({"min_failed_attempts": 99}, "fler misslyckade försök"),
    ],
)
def test_impossible_steps_are_refused(municipality, step, message):
    base = {
        "order": 1,
        "title": "Steg",
        "channel": "letter",
        "offset_value": 1,
        "offset_unit": "weeks",
        "anchor": "registration",
        "requires_phone": False,
        "only_if_not_reached": True,
        "guardian_if_under_18": False,
        "only_under_18": False,
        "min_failed_attempts": 0,
        "two_staff": False,
    }
    with pytest.raises(ValidationError, match=message):
        routine_save_version(
            municipality=municipality, name="Fel", steps=[{**base, **step}], actor=None
        )
