"""Outcome re-checks after the exit: planned when a KAA period ends with studies or work,
a task in the coach's queue on the day, the coach's answer, and the youth's answer through
the e-service with the period's code, only inside the re-check's window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from outreach.eservice.services import Check, access_code_for, code_check
from outreach.models import OutcomeRecheck, Task
from outreach.rechecks.services import recheck_for_youth_answer
from tests.factories import occupation_type, reason, youth_make
from youth.models import KaaPeriod, Occupation, TimelineEntry
from youth.register.services import occupation_record, period_close, turning_20_deregister

pytestmark = pytest.mark.django_db

END = dt.date(2026, 3, 31)


@pytest.fixture
def _on_end_day(time_machine):
    time_machine.move_to("2026-03-31 10:00 +02:00", tick=False)


def _youth_working(municipality, coach, occupation="ARBETE", **fields):
    """A youth in KAA since January who has had `occupation` since 20 March."""
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Amira",
        start_date=dt.date(2026, 1, 5),
        **fields,
    )
    occupation_record(
        youth=youth,
        type=occupation_type(occupation),
        start_date=dt.date(2026, 3, 20),
        source=Occupation.Source.CONTACT,
        actor=coach,
        description="Lagret AB",
    )
    return youth


def _close(youth, code="OVRIGT", actor=None):
    period = KaaPeriod.objects.get(youth=youth, end_date__isnull=True)
    return period_close(
        period=period, end_date=END, reason=reason(code, "deregistration"), actor=actor
    )


@pytest.mark.usefixtures("_on_end_day")
class TestPlanning:
    def test_a_period_ended_with_work_gets_re_checks_and_tasks_at_3_and_6_months(
        self, municipality, coach
    ):
        youth = _youth_working(municipality, coach)
        access_code_for(youth)
        _close(youth, actor=coach)
        checks = list(OutcomeRecheck.objects.filter(youth=youth).order_by("months"))
        assert [(c.months, c.due_date, c.destination) for c in checks] == [
            (3, dt.date(2026, 6, 30), "working"),
            (6, dt.date(2026, 9, 30), "working"),
        ]
        assert checks[0].destination_type.code == "ARBETE"
        tasks = Task.objects.filter(youth=youth, kind=Task.Kind.RECHECK, status="open")
        assert sorted((t.due_date, t.title) for t in tasks) == [
            (dt.date(2026, 6, 30), "Återkontroll 3 månader efter KAA"),
            (dt.date(2026, 9, 30), "Återkontroll 6 månader efter KAA"),
        ]
        assert {t.link for t in tasks} == {
            reverse("outreach:recheck", args=[c.pk]) for c in checks
        }

    def test_a_reason_that_names_studies_is_a_destination_without_an_occupation(
        self, municipality, coach
    ):
        youth = youth_make(municipality=municipality, coach=coach)
        _close(youth, "PABORJAT_NATIONELLT_EL_MOTSV")
        assert set(OutcomeRecheck.objects.values_list("destination", flat=True)) == {"studying"}
        assert OutcomeRecheck.objects.filter(youth=youth).count() == 2

    @pytest.mark.parametrize("code", ["EJ_FOLKBOKFORD_I_KOMMUNEN", "AVLIDEN", "FELREGISTRERAD"])
    def test_moved_died_or_registered_in_error_gets_no_re_check(self, municipality, coach, code):
        youth = _youth_working(municipality, coach)
        _close(youth, code)
        assert not OutcomeRecheck.objects.filter(youth=youth).exists()
        assert not Task.objects.filter(youth=youth, kind=Task.Kind.RECHECK).exists()

    def test_no_studies_or_work_at_the_end_means_no_re_check(self, municipality, coach):
        youth = _youth_working(municipality, coach, "ARBETSSOKANDE")
        _close(youth)
        assert not OutcomeRecheck.objects.filter(youth=youth).exists()

    def test_the_months_are_a_setting(self, municipality, coach, settings):
        settings.KAA_RECHECK_MONTHS = [2]
        youth = _youth_working(municipality, coach)
        _close(youth)
        assert list(OutcomeRecheck.objects.values_list("months", "due_date")) == [
            (2, dt.date(2026, 5, 31))
        ]

    def test_the_20th_birthday_job_plans_re_checks_for_those_who_went_to_work(
        self, municipality, coach
    ):
        born = dt.date(2006, 4, 1)  # 20 on 2026-04-01: the period ends 2026-03-31
        working = _youth_working(municipality, coach, birth_date=born)
        idle = youth_make(
            municipality=municipality, coach=coach, birth_date=born, start_date=dt.date(2026, 1, 5)
        )
        assert turning_20_deregister(today=dt.date(2026, 4, 1)) == 2
        assert OutcomeRecheck.objects.filter(youth=working).count() == 2
        assert not OutcomeRecheck.objects.filter(youth=idle).exists()
        assert Task.objects.filter(youth=working, kind=Task.Kind.RECHECK).count() == 2


class TestCoach:
    @pytest.fixture
    def check(self, municipality, coach, time_machine):
        time_machine.move_to("2026-03-31 10:00 +02:00", tick=False)
        youth = _youth_working(municipality, coach)
        _close(youth, actor=coach)
        return OutcomeRecheck.objects.get(youth=youth, months=3)

    def test_the_task_is_in_the_queue_at_3_months_and_not_before(
        self, check, client_for, coach, time_machine
    ):
        time_machine.move_to("2026-05-20 10:00 +02:00", tick=False)
        before = client_for(coach).get(reverse("outreach:queue") + "?vy=mina")
        assert before.status_code == 200
        assert "Återkontroll 3 månader" not in before.content.decode()
        time_machine.move_to("2026-06-30 10:00 +02:00", tick=False)
        body = client_for(coach).get(reverse("outreach:queue") + "?vy=mina").content.decode()
        assert "Återkontroll 3 månader efter KAA" in body
        assert reverse("outreach:recheck", args=[check.pk]) in body

    def test_no_answer_is_chosen_and_a_missing_one_is_asked_for_in_swedish(
        self, check, client_for, coach
    ):
        client = client_for(coach)
        url = reverse("outreach:recheck", args=[check.pk])
        page = client.get(url).content.decode()
        assert "Arbete (Arbetar)" in page
        assert "checked" not in page
        assert AuditEvent.objects.filter(
            action="read", object_type="outreach.outcomerecheck", object_id=str(check.pk)
        ).exists()
        response = client.post(url, {"description": "Skolan X"})
        body = response.content.decode()
        assert response.status_code == 200
        assert "Välj vad du fick veta." in body
        assert 'value="Skolan X"' in body
        response = client.post(url, {"answer": "changed", "description": "Skolan X"})
        assert "Välj vad ungdomen gör nu." in response.content.decode()
        check.refresh_from_db()
        assert check.is_open

    def test_now_doing_something_else_is_recorded_as_the_youths_occupation(
        self, check, client_for, coach
    ):
        komvux = occupation_type("KOMVUX")
        response = client_for(coach).post(
            reverse("outreach:recheck", args=[check.pk]),
            {
                "answer": "changed",
                "now_type": komvux.pk,
                "description": "Komvux Askersund",
                "record_occupation": "on",
            },
        )
        assert response.status_code == 302
        check.refresh_from_db()
        assert (check.answer, check.answered_via, check.answered_by) == ("changed", "coach", coach)
        assert check.occupation.type == komvux
        assert check.occupation.source == Occupation.Source.RECHECK == "recheck"
        current = Occupation.objects.get(youth=check.youth, end_date__isnull=True, confirmed=True)
        assert current == check.occupation
        task = Task.objects.get(ref=f"recheck:{check.pk}")
        assert (task.status, task.done_by) == ("done", coach)
        assert TimelineEntry.objects.filter(
            youth=check.youth, kind="recheck", summary__contains="Nej, gör nu något annat"
        ).exists()
        # The 6-month re-check is still to be made.
        assert OutcomeRecheck.objects.get(youth=check.youth, months=6).is_open

    def test_held_records_no_occupation(self, check, client_for, coach):
        client_for(coach).post(reverse("outreach:recheck", args=[check.pk]), {"answer": "held"})
        check.refresh_from_db()
        assert check.held
        assert (check.occupation, check.now_type) == (None, None)

    def test_a_coach_of_another_team_gets_404_and_it_is_logged(
        self, check, client_for, other_team_coach
    ):
        url = reverse("outreach:recheck", args=[check.pk])
        assert client_for(other_team_coach).post(url, {"answer": "held"}).status_code == 404
        assert AuditEvent.objects.filter(action="denied", user=other_team_coach).exists()
        check.refresh_from_db()
        assert check.is_open


class TestEservice:
    @pytest.fixture
    def youth(self, municipality, coach, time_machine):
        time_machine.move_to("2026-03-31 10:00 +02:00", tick=False)
        youth = _youth_working(municipality, coach)
        access_code_for(youth)
        _close(youth, actor=coach)
        return youth

    def _post(self, client, youth):
        code = youth.access_codes.get()
        return client.post(
            reverse("eservice:start"),
            {"code": code.display, "birth_date": youth.birth_date.strftime("%Y%m%d")},
        )

    def test_the_code_stops_after_the_exit_until_the_re_check_window_opens(
        self, client, youth, time_machine
    ):
        time_machine.move_to("2026-04-15 10:00 +02:00", tick=False)
        body = self._post(client, youth).content.decode()
        assert "Koden gäller inte längre" in body
        time_machine.move_to("2026-06-16 10:00 +02:00", tick=False)  # 14 days before
        response = self._post(client, youth)
        assert response.status_code == 302
        assert response["Location"] == reverse("eservice:recheck")

    def test_the_youth_answers_what_they_do_now_and_nothing_else_opens(
        self, client, youth, time_machine, coach
    ):
        time_machine.move_to("2026-07-02 10:00 +02:00", tick=False)
        self._post(client, youth)
        page = client.get(reverse("eservice:recheck")).content.decode()
        assert "Vad gör du nu?" in page
        assert "Hej <bdi>Amira</bdi>!" in page
        assert "checked" not in page
        # The e-form of the period stays closed to this session.
        assert client.get(reverse("eservice:answer")).status_code == 403
        response = client.post(reverse("eservice:recheck"), {"description": "Lagret"})
        assert "Välj det som stämmer bäst." in response.content.decode()
        assert 'value="Lagret"' in response.content.decode()
        response = client.post(
            reverse("eservice:recheck"), {"activity": "working", "description": "Lagret"}
        )
        assert response["Location"] == reverse("eservice:thanks")
        check = OutcomeRecheck.objects.get(youth=youth, months=3)
        assert (check.answer, check.answered_via, check.now_description) == (
            "held",
            "eservice",
            "Lagret",
        )
        task = Task.objects.get(ref=f"recheck:{check.pk}")
        assert (task.status, task.done_by) == ("done", None)
        assert OutcomeRecheck.objects.get(youth=youth, months=6).is_open
        # Answered: the code closes again (the 6-month window has not opened).
        assert "Koden gäller inte längre" in self._post(client, youth).content.decode()
        assert client.get(reverse("eservice:recheck")).status_code == 403
        # The register's occupation is the coach's to change.
        assert not Occupation.objects.filter(youth=youth, source="recheck").exists()

    def test_another_activity_is_recorded_as_not_held(self, client, youth, time_machine):
        time_machine.move_to("2026-09-30 10:00 +02:00", tick=False)
        self._post(client, youth)
        client.post(reverse("eservice:recheck"), {"activity": "job_seeking"})
        check = OutcomeRecheck.objects.get(youth=youth, months=6)
        assert (check.answer, check.now_type.code) == ("changed", "ARBETSSOKANDE")
        # The 3-month one, past its window, stays the coach's.
        assert OutcomeRecheck.objects.get(youth=youth, months=3).is_open

    def test_the_window_closes_30_days_after_the_re_check(self, youth, time_machine, settings):
        code = youth.access_codes.get()
        period_id = code.period_id
        time_machine.move_to("2026-10-30 10:00 +01:00", tick=False)
        assert recheck_for_youth_answer(period_id=period_id).months == 6
        time_machine.move_to("2026-10-31 10:00 +01:00", tick=False)
        assert recheck_for_youth_answer(period_id=period_id) is None
        assert code_check(text=code.code, birth_date=youth.birth_date).status is Check.ENDED
        settings.KAA_RECHECK_ESERVICE_DAYS = 40
        assert code_check(text=code.code, birth_date=youth.birth_date).status is Check.RECHECK

    def test_a_revoked_code_or_a_restricted_record_answers_nothing(
        self, youth, time_machine, coordinator
    ):
        time_machine.move_to("2026-06-30 10:00 +02:00", tick=False)
        code = youth.access_codes.get()
        assert code_check(text=code.code, birth_date=youth.birth_date).status is Check.RECHECK
        youth.restricted_at = timezone.now()
        youth.save(update_fields=["restricted_at"])
        assert code_check(text=code.code, birth_date=youth.birth_date).status is Check.ENDED
        youth.restricted_at = None
        youth.save(update_fields=["restricted_at"])
        code.revoked_at = timezone.now()
        code.save(update_fields=["revoked_at"])
        assert code_check(text=code.code, birth_date=youth.birth_date).status is Check.ENDED

    def test_a_wrong_birth_date_still_counts_against_the_code(self, youth, time_machine):
        time_machine.move_to("2026-06-30 10:00 +02:00", tick=False)
        code = youth.access_codes.get()
        wrong = youth.birth_date - dt.timedelta(days=1)
        assert code_check(text=code.code, birth_date=wrong).status is Check.WRONG
        code.refresh_from_db()
        assert code.failed_attempts == 1
