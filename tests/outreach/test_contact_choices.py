"""Logging a contact never decides for the person: no outcome is preset, the channel is the
task's, the outcome buttons fit the channel, the queue's groups follow the routine's order,
and a step marked done weeks before it is due asks to confirm."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import ContactAttempt, Task
from outreach.queue.models import outcomes_for
from outreach.queue.selectors import queue_counts, queue_groups, queue_tasks
from outreach.routine import services
from outreach.routine.engine import deadlines_refresh
from tests.factories import youth_make


@pytest.fixture
def youth(municipality, coordinator, coach):
    services.routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        phone="0701234567",
        start_date=timezone.localdate() - dt.timedelta(weeks=6),
    )
    deadlines_refresh()
    return youth


def _task(youth, title):
    return Task.objects.get(youth=youth, title=title)


def _selected(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select)
    return chosen.group(1) if chosen else None


def test_the_contact_form_presets_no_outcome_and_the_tasks_channel(client_for, coach, youth):
    client = client_for(coach)
    url = reverse("outreach:contact_log", args=[youth.pk])
    plain = client.get(url).content.decode()
    assert _selected(plain, "outcome") in (None, "")
    assert _selected(plain, "channel") in (None, "")
    sms = _task(youth, "Sms")
    for_task = client.get(url, {"uppgift": sms.pk}).content.decode()
    assert _selected(for_task, "channel") == "sms"
    assert _selected(for_task, "outcome") in (None, "")
    # An unchanged save records nothing, least of all a reach.
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url + f"?uppgift={sms.pk}", {"channel": "sms", "direction": "out", "at": at}
    )
    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in response.content.decode()
    assert not ContactAttempt.objects.filter(youth=youth).exists()


def test_an_outcome_that_does_not_fit_the_channel_is_refused(client_for, coach, youth):
    client = client_for(coach)
    url = reverse("outreach:contact_log", args=[youth.pk])
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    data = {"channel": "sms", "outcome": "returned_mail", "direction": "out", "at": at}
    page = client.post(url, {**data, "note": "skickat två gånger"}).content.decode()
    assert "Post i retur passar inte kanalen Sms" in page
    assert "skickat två gånger" in page  # nothing typed is lost
    assert not ContactAttempt.objects.filter(youth=youth).exists()
    sms = _task(youth, "Sms")
    response = client.post(
        reverse("outreach:task_outcome", args=[sms.pk]), {"outcome": "returned_mail"}
    )
    assert response.status_code == 302
    sms.refresh_from_db()
    assert sms.status == Task.Status.OPEN


def test_outcome_buttons_fit_each_tasks_channel(client_for, coach, youth):
    assert "returned_mail" not in outcomes_for("sms")
    assert "returned_mail" in outcomes_for("postcard")
    assert "nobody_home" not in outcomes_for("phone")
    assert "reached" not in outcomes_for("social_services")
    html = client_for(coach).get(reverse("outreach:queue")).content.decode()
    forms = dict(re.findall(r'action="/uppsok/uppgifter/(\d+)/utfall/"(.*?)</form>', html, re.S))
    sms = forms[str(_task(youth, "Sms").pk)]
    postcard = forms[str(_task(youth, "Vykort").pk)]
    assert 'value="returned_mail"' not in sms
    assert 'value="sent"' in sms
    assert 'value="returned_mail"' in postcard
    assert 'value="no_answer"' not in postcard


def test_a_returned_postcard_is_logged_as_returned_and_leaves_the_step_open(coach, youth):
    from outreach.queue.services import task_complete

    postcard = _task(youth, "Vykort")
    attempt = task_complete(task=postcard, staff=coach, outcome="returned_mail")
    postcard.refresh_from_db()
    assert attempt.outcome == "returned_mail"
    assert postcard.status == Task.Status.OPEN


def test_overdue_groups_follow_the_routines_order(coach, youth):
    today = timezone.localdate()
    tasks = queue_tasks(user=coach, view="mina", today=today)
    overdue = queue_groups(list(tasks), today, queue_counts(tasks, today))[0]
    titles = [g["title"] for g in overdue["groups"]]
    assert titles[:4] == ["Vykort", "Telefonsamtal", "Sms", "Andra vykortet"]


def test_a_step_marked_done_weeks_early_asks_to_confirm(client_for, coach, youth):
    letter = _task(youth, "Brev")
    assert (letter.due_date - timezone.localdate()).days > 7
    client = client_for(coach)
    url = reverse("outreach:task_outcome", args=[letter.pk])
    page = client.post(url, {"outcome": "sent"})
    assert page.status_code == 200
    assert "Är steget redan gjort?" in page.content.decode()
    letter.refresh_from_db()
    assert letter.status == Task.Status.OPEN
    client.post(url, {"outcome": "sent", "confirm": "1"})
    letter.refresh_from_db()
    assert letter.status == Task.Status.DONE


def test_the_reached_form_presets_no_channel_without_a_task(client_for, coach, youth):
    client = client_for(coach)
    url = reverse("outreach:reached", args=[youth.pk])
    assert _selected(client.get(url).content.decode(), "channel") in (None, "")
    sms = _task(youth, "Sms")
    page = client.get(url, {"uppgift": sms.pk}).content.decode()
    assert _selected(page, "channel") == "sms"
