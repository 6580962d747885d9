"""Home visits: planned with two staff, never to a protected youth's registered address,
checked in and out, the alarm at the margin sent once (and escalated once), the outcome
logged as a contact by both staff, and who may act on a visit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent, OutboxItem
from outreach.homevisits import services
from outreach.homevisits.models import HomeVisit
from outreach.letters import merge
from outreach.letters.services import DEFAULT_TEMPLATES
from outreach.models import ContactAttempt
from tests.factories import UserFactory, youth_make

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(START - dt.timedelta(hours=2), tick=False)


@pytest.fixture(autouse=True)
def _sms(sms_dir):
    return sms_dir


@pytest.fixture
def youth(municipality, coach, team):
    return youth_make(municipality=municipality, coach=coach, team=team, first_name="Alva")


@pytest.fixture
def visit(youth, coach, colleague):
    return _plan(youth, coach, colleague, HomeVisit.Place.HOME)


@pytest.fixture
def people(coach, colleague, coordinator, other_team_coach, municipality):
    coach.mobile, coach.email = "070-100 00 01", "omar@kommun.se"
    colleague.mobile, colleague.email = "070-100 00 02", "elin@kommun.se"
    coordinator.mobile, coordinator.email = "070-100 00 03", "sara@kommun.se"
    other_team_coach.mobile, other_team_coach.email = "070-100 00 04", "jonas@kommun.se"
    for user in (coach, colleague, coordinator, other_team_coach):
        user.save()
    second = UserFactory(
        username="karin",
        role="coordinator",
        municipality=municipality,
        mobile="070-100 00 05",
        email="karin@kommun.se",
    )
    return {"coordinator": coordinator, "second_coordinator": second}


def _plan(youth, staff, second_staff, place, **more):
    """A visit 14.00–15.00 on START's day."""
    return services.visit_plan(
        youth=youth,
        staff=staff,
        second_staff=second_staff,
        starts_at=START,
        ends_at=START + dt.timedelta(hours=1),
        place=place,
        **more,
    )


def _sms_to(sms_dir) -> list[str]:
    return sorted(json.loads(p.read_text())["to"] for p in sms_dir.glob("*.json"))


def _check(time_machine, django_capture_on_commit_callbacks, minutes_after_end: float):
    time_machine.move_to(START + dt.timedelta(hours=1, minutes=minutes_after_end), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        return services.alarms_check()


class TestPlanning:
    def test_a_visit_needs_a_second_person_of_the_team(self, youth, coach, other_team_coach):
        with pytest.raises(ValidationError) as caught:
            _plan(youth, coach, other_team_coach, HomeVisit.Place.HOME)
        assert "second_staff" in caught.value.message_dict

    def test_never_to_the_registered_address_of_a_protected_youth(
        self, municipality, coach, colleague, team
    ):
        youth = youth_make(
            municipality=municipality, coach=coach, team=team, protected_identity=True
        )
        with pytest.raises(ValidationError) as caught:
            _plan(youth, coach, colleague, HomeVisit.Place.HOME)
        assert "skyddade personuppgifter" in caught.value.message_dict["place"][0]
        assert not HomeVisit.objects.exists()
        # At another agreed place the meeting may be planned.
        visit = _plan(
            youth, coach, colleague, HomeVisit.Place.OTHER, place_note="Kontoret på Storgatan"
        )
        assert visit.place == "other"

    def test_a_protected_guardian_protects_the_address_too(
        self, municipality, coach, colleague, team
    ):
        from youth.models import Guardian

        youth = youth_make(municipality=municipality, coach=coach, team=team)
        Guardian.objects.create(youth=youth, name="Vh", protected_identity=True)
        with pytest.raises(ValidationError):
            _plan(youth, coach, colleague, HomeVisit.Place.HOME)

    def test_the_knock_card_prints_the_visits_date_and_time(self, visit):
        body = next(t[3] for t in DEFAULT_TEMPLATES if t[0] == "knock_card")
        text = merge.render(body, visit.youth)
        assert "2026-12-03 klockan 14.00–15.00" in text
        other = merge.render(body, visit.youth, extra=merge.visit_values(START, START))
        assert "14.00–14.00" in other


class TestAlarm:
    def test_the_alert_goes_out_at_the_margin_once(
        self, visit, people, sms_dir, time_machine, django_capture_on_commit_callbacks
    ):
        assert _check(time_machine, django_capture_on_commit_callbacks, 14.9) == (0, 0)
        assert _sms_to(sms_dir) == []
        assert mail.outbox == []

        assert _check(time_machine, django_capture_on_commit_callbacks, 15) == (1, 0)
        # Nobody on duty: every coordinator; and the pair's team (not the other team).
        assert _sms_to(sms_dir) == [
            "070-100 00 01",
            "070-100 00 02",
            "070-100 00 03",
            "070-100 00 05",
        ]
        assert sorted(m.to[0] for m in mail.outbox) == [
            "elin@kommun.se",
            "karin@kommun.se",
            "omar@kommun.se",
            "sara@kommun.se",
        ]
        assert "Alva" not in mail.outbox[0].body  # messages to staff name no youth
        assert "15:00" in mail.outbox[0].body

        # A second beat, and one more a minute later: nothing more.
        assert _check(time_machine, django_capture_on_commit_callbacks, 15) == (0, 0)
        assert _check(time_machine, django_capture_on_commit_callbacks, 16) == (0, 0)
        assert len(mail.outbox) == 4
        assert len(_sms_to(sms_dir)) == 4
        assert OutboxItem.objects.filter(task="outreach.tasks.homevisit_alert_send").count() == 1

    def test_the_escalation_reaches_every_coordinator_once(
        self, visit, people, sms_dir, time_machine, django_capture_on_commit_callbacks, settings
    ):
        from outreach.homevisits.models import HomeVisitDuty

        HomeVisitDuty.objects.create(
            municipality=visit.youth.municipality,
            coordinator=people["coordinator"],
            updated_by=people["coordinator"],
        )
        assert _check(time_machine, django_capture_on_commit_callbacks, 20) == (1, 0)
        # On duty: only that coordinator gets the first alert.
        assert "karin@kommun.se" not in [m.to[0] for m in mail.outbox]
        assert "sara@kommun.se" in [m.to[0] for m in mail.outbox]
        mail.outbox.clear()
        assert _check(time_machine, django_capture_on_commit_callbacks, 30) == (0, 1)
        escalated = sorted(m.to[0] for m in mail.outbox)
        assert "karin@kommun.se" in escalated
        assert "sara@kommun.se" in escalated
        assert all("ESKALERAT" in m.body for m in mail.outbox)
        assert _check(time_machine, django_capture_on_commit_callbacks, 45) == (0, 0)
        assert len(mail.outbox) == len(escalated)

    def test_a_check_out_just_in_time_sends_nothing(
        self, visit, people, coach, sms_dir, time_machine, django_capture_on_commit_callbacks
    ):
        time_machine.move_to(START + dt.timedelta(hours=1, minutes=14, seconds=59), tick=False)
        assert services.check_out(visit=visit, user=coach)
        assert _check(time_machine, django_capture_on_commit_callbacks, 15) == (0, 0)
        assert _check(time_machine, django_capture_on_commit_callbacks, 60) == (0, 0)
        assert mail.outbox == []
        assert _sms_to(sms_dir) == []
        visit.refresh_from_db()
        assert visit.alert_sent_at is None

    def test_a_cancelled_visit_never_alerts(
        self, visit, coach, time_machine, django_capture_on_commit_callbacks
    ):
        services.cancel(visit=visit, user=coach)
        assert _check(time_machine, django_capture_on_commit_callbacks, 60) == (0, 0)

    def test_a_gateway_down_retries_only_what_is_missing(
        self, visit, people, sms_dir, time_machine, monkeypatch
    ):
        from outreach.messaging import gateways

        HomeVisit.objects.filter(pk=visit.pk).update(alert_sent_at=timezone.now())
        calls = []

        def down(**kwargs):
            calls.append(kwargs["to"])
            raise gateways.TransientSendError("down")

        monkeypatch.setattr(gateways, "send_email", down)
        with pytest.raises(gateways.TransientSendError):
            services.alert_send(visit.pk, services.ALERT)
        assert len(_sms_to(sms_dir)) == 4
        assert len(calls) == 4
        monkeypatch.undo()
        assert services.alert_send(visit.pk, services.ALERT) == 4  # the four e-mails only
        assert len(mail.outbox) == 4


class TestCheckInOutAndOutcome:
    def test_only_the_pair_checks_in_and_twice_is_once(self, visit, coach, colleague, coordinator):
        with pytest.raises(ValidationError):
            services.check_in(visit=visit, user=coordinator)
        assert services.check_in(visit=visit, user=colleague)
        assert not services.check_in(visit=visit, user=coach)
        visit.refresh_from_db()
        assert visit.checked_in_by == colleague

    def test_the_outcome_is_a_contact_by_each_of_the_two_once(
        self, visit, coach, colleague, time_machine
    ):
        time_machine.move_to(START + dt.timedelta(minutes=40), tick=False)
        services.check_in(visit=visit, user=coach)
        with pytest.raises(ValidationError):
            services.outcome_record(visit=visit, user=coach, outcome="carrier_pigeon")
        assert not services.outcome_record(visit=visit, user=coach, outcome="nobody_home")
        services.check_out(visit=visit, user=coach)
        assert services.outcome_record(
            visit=visit, user=coach, outcome="nobody_home", note="Lämnade knacklapp"
        )
        assert not services.outcome_record(visit=visit, user=colleague, outcome="reached")
        attempts = ContactAttempt.objects.filter(youth=visit.youth)
        assert sorted(a.staff.username for a in attempts) == ["elin", "omar"]
        assert {(a.channel, a.outcome, a.note) for a in attempts} == {
            ("home_visit", "nobody_home", "Lämnade knacklapp")
        }


class TestPages:
    def test_the_pair_checks_in_and_out_by_two_taps(self, visit, colleague, client_for):
        client = client_for(colleague)
        page = client.get(reverse("outreach:homevisit_detail", args=[visit.pk]))
        assert page.status_code == 200
        assert "Checka in" in page.content.decode()
        assert AuditEvent.objects.filter(
            action="read", object_type="outreach.homevisit", object_id=str(visit.pk)
        ).exists()
        client.post(reverse("outreach:homevisit_check_in", args=[visit.pk]))
        page = client.post(reverse("outreach:homevisit_check_out", args=[visit.pk]), follow=True)
        assert "Vad hände vid besöket?" in page.content.decode()
        visit.refresh_from_db()
        assert visit.checked_in_at
        assert visit.checked_out_at

    def test_another_team_neither_sees_nor_acts(self, visit, other_team_coach, client_for):
        client = client_for(other_team_coach)
        assert client.get(reverse("outreach:homevisit_detail", args=[visit.pk])).status_code == 404
        assert (
            client.post(reverse("outreach:homevisit_check_out", args=[visit.pk])).status_code
            == 404
        )
        visit.refresh_from_db()
        assert visit.checked_out_at is None
        assert AuditEvent.objects.filter(
            action="denied", object_type="outreach.homevisit", object_id=str(visit.pk)
        ).exists()

    def test_planning_from_the_form_refuses_the_protected_address_and_keeps_the_input(
        self, municipality, coach, colleague, team, client_for
    ):
        from youth.register.permissions import SESSION_REASONS

        youth = youth_make(
            municipality=municipality, coach=coach, team=team, protected_identity=True
        )
        client = client_for(coach)
        session = client.session
        session[SESSION_REASONS] = {str(youth.pk): 2**40}
        session.save()
        url = reverse("outreach:homevisit_plan", args=[youth.pk])
        data = {
            "second_staff": colleague.pk,
            "day": "2026-12-03",
            "start": "14:00",
            "end": "15:00",
            "place": "home",
            "place_note": "Ett kafé",
        }
        response = client.post(url, data)
        content = response.content.decode()
        assert response.status_code == 200
        assert "aldrig till folkbokföringsadressen" in content
        assert 'value="Ett kafé"' in content
        response = client.post(url, {**data, "place": "other"})
        visit = HomeVisit.objects.get(youth=youth)
        assert response.url == reverse("outreach:homevisit_detail", args=[visit.pk])
        assert (visit.starts_at, visit.place_note) == (START, "Ett kafé")

    def test_the_start_page_shows_the_alarm_until_acknowledged(
        self, visit, coordinator, other_team_coach, client_for, time_machine
    ):
        HomeVisit.objects.filter(pk=visit.pk).update(alert_sent_at=timezone.now())
        url = reverse("outreach:homevisit_alerts")
        assert "inte checkats ut" not in client_for(other_team_coach).get(url).content.decode()
        client = client_for(coordinator)
        home = client.get(reverse("kaa:home")).content.decode()
        assert url in home
        fragment = client.get(url).content.decode()
        assert "Hembesök som inte checkats ut" in fragment
        assert "Alva" in fragment
        client.post(reverse("outreach:homevisit_acknowledge", args=[visit.pk]))
        assert "inte checkats ut" not in client.get(url).content.decode()

    def test_the_knock_card_is_a_pdf(self, visit, coach, client_for):
        response = client_for(coach).get(reverse("outreach:homevisit_knock_card", args=[visit.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")

    def test_a_coordinator_sets_who_is_on_duty(self, coordinator, coach, client_for):
        from outreach.homevisits.models import HomeVisitDuty

        url = reverse("outreach:homevisit_duty")
        assert client_for(coach).get(url).status_code == 403
        client = client_for(coordinator)
        assert client.post(url, {"coordinator": coach.pk}).status_code == 200  # not a coordinator
        client.post(url, {"coordinator": coordinator.pk})
        assert HomeVisitDuty.objects.get().coordinator == coordinator
        panel = client.get(reverse("outreach:homevisit_alerts")).content.decode()
        assert f"Larm vid hembesök går till: {coordinator}" in panel


def test_the_start_page_panel_reads_a_fixed_number_of_queries(
    youth, coach, colleague, client_for, django_assert_max_num_queries
):
    now = timezone.now()
    for hours in range(1, 6):
        HomeVisit.objects.create(
            youth=youth,
            staff=coach,
            second_staff=colleague,
            starts_at=now - dt.timedelta(hours=hours, minutes=30),
            ends_at=now - dt.timedelta(hours=hours),
            place=HomeVisit.Place.HOME,
            alert_sent_at=now,
            created_by=coach,
        )
    client = client_for(coach)
    client.get(reverse("kaa:home"))
    with django_assert_max_num_queries(8):
        body = client.get(reverse("outreach:homevisit_alerts")).content.decode()
    assert body.count("Kvittera") == 5


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_alert_once(municipality, coach, colleague, team, sms_dir):
    import threading

    from django.db import connection

    youth = youth_make(municipality=municipality, coach=coach, team=team)
    HomeVisit.objects.create(
        youth=youth,
        staff=coach,
        second_staff=colleague,
        starts_at=START,
        ends_at=START + dt.timedelta(hours=1),
        place=HomeVisit.Place.HOME,
        created_by=coach,
    )
    later = START + dt.timedelta(hours=2)
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(services.alarms_check(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Whichever worker claims them: one alert and one escalation in all.
    assert len(results) == 2
    assert (sum(r[0] for r in results), sum(r[1] for r in results)) == (1, 1)
    assert OutboxItem.objects.filter(task="outreach.tasks.homevisit_alert_send").count() == 2


def test_a_protected_youths_visit_asks_for_the_reason_first(
    municipality, coach, colleague, team, client_for
):
    youth = youth_make(municipality=municipality, coach=coach, team=team, protected_identity=True)
    visit = _plan(youth, coach, colleague, HomeVisit.Place.OTHER, place_note="Biblioteket")
    response = client_for(colleague).get(reverse("outreach:homevisit_detail", args=[visit.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("youth:reason", args=[youth.pk]))
    assert "Biblioteket" not in response.content.decode()
