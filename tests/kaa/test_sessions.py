"""Sessions: users see and end their other sessions, disabling an account ends
its sessions at once, and the timeout warning's "stay logged in" extends the idle time."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaa.models import UserSession
from kaa.services import sessions_purge_expired

pytestmark = pytest.mark.django_db


def _logged_in(client) -> bool:
    response = client.get(reverse("kaa:account"))
    return response.status_code == 200


def test_each_login_is_listed_and_the_user_ends_another_one(client_for, coach):
    laptop, phone = client_for(coach), client_for(coach)
    assert UserSession.objects.filter(user=coach).count() == 2
    page = laptop.get(reverse("kaa:account"), HTTP_USER_AGENT="x").content.decode()
    assert "Den här" in page
    assert page.count('name="id"') == 1  # only the other one has a "Logga ut" button
    other = UserSession.objects.exclude(session_key=laptop.session.session_key).get()
    assert other.session_key not in page  # keys never reach the page
    response = laptop.post(reverse("kaa:session_end"), {"id": other.pk}, follow=True)
    assert "1 annan inloggning är avslutad" in response.content.decode()
    assert not _logged_in(phone)
    assert _logged_in(laptop)
    assert not Session.objects.filter(session_key=other.session_key).exists()


def test_logging_out_everywhere_else_keeps_this_session(client_for, coach):
    clients = [client_for(coach) for _ in range(3)]
    clients[0].post(reverse("kaa:session_end"), {"alla": "1"})
    assert [_logged_in(c) for c in clients] == [True, False, False]
    assert UserSession.objects.filter(user=coach).count() == 1


def test_nobody_ends_someone_elses_session(client_for, coach, colleague):
    mine, theirs = client_for(coach), client_for(colleague)
    their_row = UserSession.objects.get(user=colleague)
    mine.post(reverse("kaa:session_end"), {"id": their_row.pk})
    assert _logged_in(theirs)


def test_disabling_an_account_ends_its_sessions_at_once(client_for, coach, coordinator):
    client = client_for(coach)
    assert _logged_in(client)
    coach.is_active = False
    coach.save()
    assert not UserSession.objects.filter(user=coach).exists()
    response = client.get(reverse("kaa:account"))
    assert response.status_code == 302
    assert "/konto/logga-in/" in response["Location"]


def test_an_account_disabled_in_bulk_is_logged_out_on_its_next_page(client_for, coach):
    from kaa.models import User

    client = client_for(coach)
    User.objects.filter(pk=coach.pk).update(is_active=False)  # no save(), no signal
    response = client.get(reverse("kaa:account"))
    assert response.status_code == 302
    assert "/konto/logga-in/" in response["Location"]


def test_a_session_whose_key_changed_is_listed_again(client_for, coach):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = client_for(coach)
        session = client.session
        session.cycle_key()  # as a password change in the admin does
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        UserSession.objects.filter(user=coach).delete()  # the row of the old key is gone
        traveller.shift(dt.timedelta(minutes=1))
        assert _logged_in(client)
        row = UserSession.objects.get(user=coach)
        assert row.session_key == session.session_key
        # ... so that it can be ended from another browser.
        other = client_for(coach)
        other.post(reverse("kaa:session_end"), {"id": row.pk})
        assert not _logged_in(client)


def test_logout_forgets_the_session_row(client_for, coach):
    client = client_for(coach)
    client.post(reverse("kaa:logout"))
    assert not UserSession.objects.filter(user=coach).exists()


def test_stay_logged_in_extends_the_idle_time(client_for, coach, settings):
    settings.KAA_SESSION_IDLE_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = client_for(coach)
        assert _logged_in(client)
        traveller.shift(dt.timedelta(minutes=28))
        assert client.post(reverse("kaa:session_extend")).status_code == 204
        traveller.shift(dt.timedelta(minutes=28))  # 56 minutes since the last page
        assert _logged_in(client)
        traveller.shift(dt.timedelta(minutes=31))
        assert not _logged_in(client)


def test_the_page_carries_the_idle_time_for_the_warning(client_for, coach, settings):
    settings.KAA_SESSION_IDLE_MINUTES = 30
    page = client_for(coach).get(reverse("kaa:account")).content.decode()
    assert 'data-session-idle="1800"' in page
    assert 'id="session-warning"' in page
    assert "Fortsätt vara inloggad" in page


def test_the_purge_forgets_rows_of_sessions_that_are_gone(client_for, coach):
    client_for(coach)
    Session.objects.all().delete()
    sessions_purge_expired()
    assert not UserSession.objects.exists()


def test_asking_how_long_the_session_has_left_is_not_activity(client_for, coach, settings):
    from kaa.middleware import SESSION_LAST_SEEN

    settings.KAA_SESSION_IDLE_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = client_for(coach)
        assert _logged_in(client)
        seen = client.session[SESSION_LAST_SEEN]
        traveller.shift(dt.timedelta(minutes=20))
        answer = client.get(reverse("kaa:session_status"))
        assert answer.json() == {"remaining": 10 * 60}
        assert "no-store" in answer["Cache-Control"]
        assert client.session[SESSION_LAST_SEEN] == seen  # not counted as activity
        traveller.shift(dt.timedelta(minutes=11))
        assert client.get(reverse("kaa:session_status")).json() == {"remaining": -60}
        assert "_auth_user_id" in client.session  # asking does not end it either ...
        assert not _logged_in(client)  # ... the next page does
    assert Client().get(reverse("kaa:session_status")).json() == {"remaining": -1}


def test_a_section_reloading_itself_is_not_activity(client_for, coach, settings):
    from kaa.middleware import POLL_HEADER, SESSION_LAST_SEEN

    settings.KAA_SESSION_IDLE_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = client_for(coach)
        assert _logged_in(client)
        seen = client.session[SESSION_LAST_SEEN]
        for _ in range(29):  # the home-visit alarms ask every minute
            traveller.shift(dt.timedelta(minutes=1))
            poll = client.get(reverse("outreach:homevisit_alerts"), headers={POLL_HEADER: "1"})
            assert poll.status_code == 200
        assert client.session[SESSION_LAST_SEEN] == seen
        traveller.shift(dt.timedelta(minutes=2))  # 31 minutes without the person doing anything
        late = client.get(reverse("outreach:homevisit_alerts"), headers={POLL_HEADER: "1"})
        # After the limit a poll gets nothing, and leaves ending the session to the page: its
        # next load ends it and says why.
        assert (late.status_code, late.content) == (204, b"")
        assert "_auth_user_id" in client.session
        answer = client.get(reverse("kaa:account"), follow=True)
        assert "Du har loggats ut efter 30 minuter utan aktivitet" in answer.content.decode()
        assert not _logged_in(client)


def test_the_start_page_marks_its_timer_section_as_a_poll(client_for, coach):
    page = client_for(coach).get(reverse("kaa:home")).content.decode()
    alarms = page.split('id="homevisit-alarms"')[1].split(">")[0]
    assert "X-KAA-Poll" in alarms
    assert "every 60s" in alarms
