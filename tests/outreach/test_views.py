"""The work queue, two-click outcomes, the youth's outreach tab, routines in the UI."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from outreach.models import ContactAttempt, Routine, Task
from outreach.queue import selectors, services
from outreach.routine.engine import deadlines_refresh
from outreach.routine.services import routine_from_template
from tests.factories import occupation_type, youth_make


@pytest.fixture
def routine(municipality, coordinator):
    return routine_from_template(municipality=municipality, key="askersund", actor=coordinator)


def _due_youth(municipality, coach, **kw):
    """A youth registered three weeks ago: postcard, call and SMS are overdue."""
    start = timezone.localdate() - dt.timedelta(days=21)
    return youth_make(
        municipality=municipality, coach=coach, phone="070-1", start_date=start, **kw
    )


def _call_task(municipality, coach):
    """A youth with an overdue call, and that call."""
    youth = _due_youth(municipality, coach)
    deadlines_refresh()
    return youth, Task.objects.get(youth=youth, title="Telefonsamtal")


class TestQueue:
    def test_the_coach_sees_overdue_tasks_grouped_by_step(
        self, client_for, coach, routine, municipality
    ):
        youth = _due_youth(municipality, coach, last_name="Köad")
        deadlines_refresh()
        body = client_for(coach).get(reverse("outreach:queue")).content.decode()
        assert "Försenade" in body
        assert "Vykort (1)" in body
        assert "Köad" in body
        assert AuditEvent.objects.filter(
            action="read", youth_ids__contains=[youth.pk], detail="arbetsko"
        ).exists()

    def test_a_call_outcome_is_two_clicks(self, client_for, coach, routine, municipality):
        youth = _due_youth(municipality, coach)
        deadlines_refresh()
        task = Task.objects.get(youth=youth, title="Telefonsamtal")
        response = client_for(coach).post(
            reverse("outreach:task_outcome", args=[task.pk]),
            {"outcome": "no_answer", "next": "/uppsok/"},
        )
        assert response["Location"] == "/uppsok/"
        task.refresh_from_db()
        assert task.status == "done"
        attempt = ContactAttempt.objects.get(youth=youth)
        assert (attempt.channel, attempt.outcome, attempt.staff) == ("phone", "no_answer", coach)

    def test_reached_from_the_queue_asks_for_the_occupation(
        self, client_for, coach, routine, municipality
    ):
        youth, task = _call_task(municipality, coach)
        client = client_for(coach)
        response = client.post(
            reverse("outreach:task_outcome", args=[task.pk]), {"outcome": "reached"}
        )
        assert response["Location"].endswith(f"/nadd/?uppgift={task.pk}")
        response = client.post(
            response["Location"],
            {
                "channel": "phone",
                "occupation_type": occupation_type("SAKNAR").pk,
                "next_step": "wants_help",
            },
        )
        assert response.status_code == 302
        planning = Task.objects.get(youth=youth, kind="planning")
        assert planning.due_date == timezone.localdate() + dt.timedelta(days=7)
        assert Task.objects.get(pk=task.pk).status == "done"
        assert not Task.objects.filter(youth=youth, title="Andra vykortet", status="open").exists()

    def test_what_the_youth_wants_is_asked_not_preselected(
        self, client_for, coach, routine, municipality
    ):
        youth, task = _call_task(municipality, coach)
        client = client_for(coach)
        url = reverse("outreach:reached", args=[youth.pk]) + f"?uppgift={task.pk}"
        form = client.get(url).content.decode()
        radios = re.findall(r'<input[^>]*name="next_step"[^>]*>', form)
        assert len(radios) == 3
        assert not [radio for radio in radios if "checked" in radio]

        response = client.post(
            url,
            {
                "channel": "phone",
                "occupation_type": occupation_type("SAKNAR").pk,
                "note": "Ringer tillbaka efter lunch",
            },
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "Detta fält måste fyllas i." in body
        assert "Ringer tillbaka efter lunch" in body
        assert not ContactAttempt.objects.filter(youth=youth, outcome="reached").exists()

    def test_bulk_marks_thirty_postcards_sent(
        self, client_for, coach, routine, municipality, django_assert_max_num_queries
    ):
        youths = [_due_youth(municipality, coach) for _ in range(30)]
        deadlines_refresh()
        ids = list(Task.objects.filter(title="Vykort").values_list("pk", flat=True))
        client_for(coach).post(reverse("outreach:tasks_bulk_done"), {"task": ids})
        assert Task.objects.filter(title="Vykort", status="done").count() == 30
        assert ContactAttempt.objects.filter(outcome="sent", channel="postcard").count() == 30
        assert len(youths) == 30

    def test_the_queue_query_count_does_not_grow(
        self, client_for, coach, routine, municipality, django_assert_max_num_queries
    ):
        for _ in range(25):
            _due_youth(municipality, coach)
        deadlines_refresh()
        client = client_for(coach)
        with django_assert_max_num_queries(14):
            body = client.get(reverse("outreach:queue")).content.decode()
        assert "uppgifter att göra till och med" in body

    def test_a_long_queue_is_paged_and_the_headings_count_the_whole_queue(
        self, client_for, coach, routine, municipality, django_assert_max_num_queries
    ):
        for _ in range(60):
            _due_youth(municipality, coach)
        deadlines_refresh()
        queue = selectors.queue_tasks(user=coach, view="mina")
        open_now = queue.count()
        postcards = queue.filter(title="Vykort").count()
        assert open_now > 100
        client = client_for(coach)
        with django_assert_max_num_queries(14):
            first = client.get(reverse("outreach:queue") + "?vy=mina").content.decode()
        assert f"{open_now} uppgifter att göra till och med" in first
        assert "nr 1–100 visas" in first
        assert f"Vykort ({postcards})" in first
        assert first.count('name="task"') == 100
        second = client.get(reverse("outreach:queue") + "?vy=mina&page=2").content.decode()
        assert second.count('name="task"') == open_now - 100
        assert f"nr 101–{open_now} visas" in second
        shown = set()
        for body in (first, second):
            shown |= {int(v) for v in re.findall(r'name="task" value="(\d+)"', body)}
        assert len(shown) == open_now

    def test_a_stranger_cannot_log_an_outcome(
        self, client_for, other_team_coach, coach, routine, municipality
    ):
        youth = _due_youth(municipality, coach)
        deadlines_refresh()
        task = Task.objects.filter(youth=youth).first()
        response = client_for(other_team_coach).post(
            reverse("outreach:task_outcome", args=[task.pk]), {"outcome": "no_answer"}
        )
        assert response.status_code == 404
        assert not ContactAttempt.objects.exists()


class TestYouthTab:
    def test_the_tab_shows_tasks_and_attempts(self, client_for, coach, routine, municipality):
        youth = _due_youth(municipality, coach)
        deadlines_refresh()
        services.contact_attempt_log(
            youth=youth, channel="sms", outcome="sent", staff=coach, note="Skickade sms"
        )
        body = (
            client_for(coach)
            .get(reverse("outreach:youth_tab", args=[youth.pk]), headers={"HX-Request": "true"})
            .content.decode()
        )
        assert "<html" not in body
        assert "Skickade sms" in body
        assert "Andra vykortet" in body

    def test_a_contact_is_logged_from_the_youth_page(
        self, client_for, coach, municipality, routine
    ):
        youth = _due_youth(municipality, coach)
        response = client_for(coach).post(
            reverse("outreach:contact_log", args=[youth.pk]),
            {
                "channel": "home_visit",
                "outcome": "nobody_home",
                "direction": "out",
                "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "note": "Lämnade kort",
            },
        )
        assert response.status_code == 302
        assert ContactAttempt.objects.get(youth=youth).outcome == "nobody_home"

    def test_a_future_time_is_refused_and_the_input_kept(
        self, client_for, coach, municipality, routine
    ):
        youth = _due_youth(municipality, coach)
        future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        body = (
            client_for(coach)
            .post(
                reverse("outreach:contact_log", args=[youth.pk]),
                {
                    "channel": "phone",
                    "outcome": "no_answer",
                    "direction": "out",
                    "at": future,
                    "note": "Behåll mig",
                },
            )
            .content.decode()
        )
        assert "Tidpunkten ligger i framtiden." in body
        assert 'value="Behåll mig"' in body
        assert not ContactAttempt.objects.exists()


class TestRoutines:
    def test_a_coordinator_picks_a_template_and_edits_a_new_version(self, client_for, coordinator):
        client = client_for(coordinator)
        client.post(reverse("outreach:routine_template"), {"template": "stockholm"})
        current = Routine.objects.get(is_current=True)
        assert current.steps.count() == 7
        page = client.get(reverse("outreach:routine_edit"))
        assert "Knackakort" in page.content.decode()
        data = {
            "name": "Egen rutin",
            "retry_after_days": 20,
            "concern_after_attempts": 3,
            "steg-TOTAL_FORMS": 1,
            "steg-INITIAL_FORMS": 0,
            "steg-0-order": 1,
            "steg-0-title": "Sms",
            "steg-0-channel": "sms",
            "steg-0-offset_value": 3,
            "steg-0-offset_unit": "business_days",
            "steg-0-anchor": "registration",
            "steg-0-only_if_not_reached": "on",
            "steg-0-min_failed_attempts": 0,
            # The version the page was opened at, as the browser sends it back.
            "version": re.search(r'name="version" value="(\d+)"', page.content.decode()).group(1),
        }
        response = client.post(reverse("outreach:routine_edit"), data)
        assert response.status_code == 302
        new = Routine.objects.get(is_current=True)
        assert (new.version, new.name, new.steps.get().requires_phone) == (2, "Egen rutin", True)

    def test_a_first_step_counted_from_a_previous_step_is_refused(self, client_for, coordinator):
        data = {
            "name": "Fel",
            "retry_after_days": 20,
            "concern_after_attempts": 3,
            "steg-TOTAL_FORMS": 1,
            "steg-INITIAL_FORMS": 0,
            "steg-0-order": 1,
            "steg-0-title": "Brev",
            "steg-0-channel": "letter",
            "steg-0-offset_value": 1,
            "steg-0-offset_unit": "weeks",
            "steg-0-anchor": "previous",
            "steg-0-min_failed_attempts": 0,
        }
        body = (
            client_for(coordinator).post(reverse("outreach:routine_edit"), data).content.decode()
        )
        assert "Det första steget kan inte räknas från ett föregående steg" in body
        assert not Routine.objects.exists()

    def test_a_first_routine_saved_by_someone_else_meanwhile_is_not_replaced(
        self, client_for, coordinator
    ):
        client = client_for(coordinator)
        page = client.get(reverse("outreach:routine_edit")).content.decode()
        assert 'name="version" value="0"' in page  # opened while there was none
        client.post(reverse("outreach:routine_template"), {"template": "stockholm"})
        data = {
            "name": "Min första",
            "retry_after_days": 20,
            "concern_after_attempts": 3,
            "version": 0,
            "steg-TOTAL_FORMS": 1,
            "steg-INITIAL_FORMS": 0,
            "steg-0-order": 1,
            "steg-0-title": "Sms",
            "steg-0-channel": "sms",
            "steg-0-offset_value": 3,
            "steg-0-offset_unit": "business_days",
            "steg-0-anchor": "registration",
            "steg-0-only_if_not_reached": "on",
            "steg-0-min_failed_attempts": 0,
        }
        body = client.post(reverse("outreach:routine_edit"), data).content.decode()
        assert Routine.objects.get(is_current=True).steps.count() == 7  # not replaced
        assert Routine.objects.count() == 1
        assert 'value="Min första"' in body  # the input is kept
        assert "1 steg i formuläret" in body
        # Saved again, knowingly, it becomes the next version.
        data["version"] = 1
        assert client.post(reverse("outreach:routine_edit"), data).status_code == 302
        assert Routine.objects.get(is_current=True).version == 2

    def test_coaches_cannot_edit_routines(self, client_for, coach):
        assert client_for(coach).get(reverse("outreach:routines")).status_code == 403


def test_the_morning_digest_has_counts_and_no_names(coach, routine, municipality, mailoutbox):
    from outreach.queue.services import digests_send

    coach.wants_email_digest = True
    coach.save()
    youth = _due_youth(municipality, coach, last_name="Hemligsson")
    deadlines_refresh()
    assert digests_send(today=timezone.localdate(), base_url="https://kaa.example.se") == 1
    message = mailoutbox[0]
    assert message.to == [coach.email]
    assert "försenade uppgifter" in message.subject
    assert "https://kaa.example.se/uppsok/" in message.body
    assert "Hemligsson" not in message.body + message.subject
    assert youth.personnummer[2:8] not in message.body
    # A second beat, or the task delivered again, sends no second digest that day.
    assert digests_send(today=timezone.localdate(), base_url="https://kaa.example.se") == 0
    assert len(mailoutbox) == 1
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert digests_send(today=tomorrow, base_url="https://kaa.example.se") == 1
