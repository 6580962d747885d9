"""The youth's e-service: codes, the birth-date second factor, lockout, rate limits,
what a submitted answer does, and the coach's review."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from outreach.eservice.models import CODE_ALPHABET, CODE_LENGTH
from outreach.eservice.services import Check, access_code_for, access_code_revoke, code_check
from outreach.models import AccessCode, ContactAttempt, EserviceSubmission, Task
from outreach.routine import services
from outreach.routine.engine import deadlines_refresh
from tests.factories import youth_make
from youth.models import Occupation, TimelineEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def routine(municipality, coordinator):
    return services.routine_from_template(
        municipality=municipality, key="askersund", actor=coordinator
    )


@pytest.fixture
def youth(municipality, coach, routine):
    young = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Amira",
        last_name="Haddad",
        phone="070-1234567",
        start_date=timezone.localdate() - dt.timedelta(days=21),
    )
    deadlines_refresh()
    return young


def _birth(youth) -> str:
    return youth.birth_date.strftime("%Y%m%d")


def _sign_in(client, youth):
    code = access_code_for(youth)
    response = client.post(
        reverse("eservice:start"), {"code": code.display, "birth_date": _birth(youth)}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == reverse("eservice:answer")
    return code


def _strip_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


class TestCodes:
    def test_a_youth_in_kaa_gets_one_random_code_per_period(self, youth, municipality):
        code = access_code_for(youth)
        assert len(code.code) == CODE_LENGTH
        assert set(code.code) <= set(CODE_ALPHABET)
        assert access_code_for(youth) == code
        others = {access_code_for(youth_make(municipality=municipality)).code for _ in range(5)}
        assert code.code not in others
        assert len(others) == 5
        outside = youth_make(municipality=municipality, open_period=False)
        assert access_code_for(outside) is None

    def test_a_revoked_code_stops_working_and_a_new_one_is_made(self, youth, coordinator):
        old = access_code_for(youth)
        new = access_code_revoke(code=old, actor=coordinator)
        assert new.code != old.code
        assert code_check(text=old.code, birth_date=youth.birth_date).status is Check.ENDED
        assert code_check(text=new.code, birth_date=youth.birth_date).status is Check.OK

    def test_the_code_ends_with_the_kaa_period(self, youth, coordinator):
        from youth.models import KaaPeriod, Reason
        from youth.register.services import period_close

        code = access_code_for(youth)
        period = KaaPeriod.objects.get(youth=youth, end_date__isnull=True)
        period_close(
            period=period,
            end_date=timezone.localdate(),
            actor=coordinator,
            reason=Reason.objects.filter(kind="deregistration").first(),
        )
        assert code_check(text=code.code, birth_date=youth.birth_date).status is Check.ENDED
        assert (
            code_check(text=code.code, birth_date=youth.birth_date - dt.timedelta(days=1)).status
            is Check.WRONG
        )

    def test_the_coach_revokes_from_the_youth_page_and_a_stranger_cannot(
        self, client_for, youth, coach, other_team_coach
    ):
        old = access_code_for(youth)
        url = reverse("outreach:eservice_revoke", args=[youth.pk])
        assert client_for(other_team_coach).post(url).status_code == 404
        assert AccessCode.objects.get(pk=old.pk).revoked_at is None
        response = client_for(coach).post(url, follow=True)
        new = access_code_for(youth)
        assert new.code != old.code
        assert new.display in response.content.decode()

    def test_letters_sms_and_templates_carry_the_code_and_link(self, youth, coach):
        from outreach.letters import merge
        from outreach.messaging.services import message_queue

        code = access_code_for(youth)
        text = merge.render("Hej {fornamn}! Svara på {lank} med koden {kod}.", youth)
        assert code.display in text
        assert f"/e/{code.code}/" in text
        sms = message_queue(youth=youth, channel="sms", body="Hej! Ring mig.", staff=coach)
        assert f"/e/{code.code}/" in sms.body
        already = message_queue(
            youth=youth, channel="sms", staff=coach, body=merge.render("Svara här: {lank}", youth)
        )
        assert already.body.count(code.code) == 1

    def test_every_letter_prints_the_code_link_and_a_qr_code(self, youth):
        from outreach.letters.pdf import recipients
        from outreach.models import MessageTemplate

        template = MessageTemplate.objects.create(
            municipality=youth.municipality, kind="letter", name="Brev", body="Hej {fornamn}"
        )
        task = Task.objects.filter(youth=youth).first()
        [letter] = recipients([task], template)
        code = access_code_for(youth)
        assert letter.code == code.display
        assert letter.link.endswith(f"/e/{code.code}/")
        assert letter.qr.startswith('<img src="kaa:qr?http')
        assert f"%2Fe%2F{code.code}%2F" in letter.qr
        assert 'alt="QR-kod till e-tjänsten"' in letter.qr


class TestSignIn:
    def test_the_start_page_shows_nothing_about_anyone(self, client, youth):
        code = access_code_for(youth)
        body = client.get(reverse("eservice:start_code", args=[code.code])).content.decode()
        assert code.display in body  # the personal link fills in the code
        assert "Amira" not in body
        assert "Haddad" not in body

    def test_wrong_code_wrong_birth_date_and_locked_look_the_same(self, client, youth, settings):
        code = access_code_for(youth)
        url = reverse("eservice:start")
        wrong_date = (youth.birth_date - dt.timedelta(days=3)).strftime("%Y%m%d")
        unknown = client.post(url, {"code": "AAAA-AAAA", "birth_date": wrong_date})
        wrong = client.post(url, {"code": code.code, "birth_date": wrong_date})
        assert unknown.status_code == wrong.status_code == 200
        # The same page, apart from the code typed back into its own field.
        assert _strip_tokens(unknown.content.decode()).replace("AAAA-AAAA", "X") == _strip_tokens(
            wrong.content.decode()
        ).replace(code.code, "X")
        assert "stämmer inte" in wrong.content.decode()
        for _ in range(settings.KAA_ESERVICE_LOCK_AFTER):
            client.post(url, {"code": code.code, "birth_date": wrong_date})
        code.refresh_from_db()
        assert code.is_locked()
        locked = client.post(url, {"code": code.code, "birth_date": _birth(youth)})
        assert "stämmer inte" in locked.content.decode()
        assert "Amira" not in locked.content.decode()
        assert AuditEvent.objects.filter(
            action="locked_out", object_id=str(code.pk), flagged=True
        ).exists()

    def test_a_malformed_code_or_date_gets_a_swedish_message(self, client, youth):
        response = client.post(reverse("eservice:start"), {"code": "abc", "birth_date": "31 feb"})
        body = response.content.decode()
        assert "Koden har 8 tecken" in body
        assert "Skriv födelsedatumet med åtta siffror" in body

    def test_the_answer_page_needs_a_signed_in_session(self, client, youth):
        response = client.get(reverse("eservice:answer"))
        assert response.status_code == 403
        assert "Amira" not in response.content.decode()


class TestAnswer:
    def test_working_is_logged_as_reached_and_lands_in_the_coachs_queue(
        self, client, client_for, youth, coach
    ):
        routine_steps = Task.objects.filter(
            youth=youth, status="open", kind="step", step__only_if_not_reached=True
        )
        assert routine_steps.exists()
        _sign_in(client, youth)
        page = client.get(reverse("eservice:answer")).content.decode()
        assert "<bdi>Amira</bdi>" in page
        assert AuditEvent.objects.filter(
            action="read", youth_id=youth.pk, user=None, detail__startswith="e-service"
        ).exists()
        response = client.post(
            reverse("eservice:answer"),
            {
                "activity": "working",
                "employer": "Bageriet",
                "wants_contact": "",
                "message": "Jag jobbar heltid.",
            },
        )
        assert response["Location"] == reverse("eservice:thanks")
        attempt = ContactAttempt.objects.get(youth=youth, channel="eservice")
        assert (attempt.outcome, attempt.direction, attempt.staff) == ("reached", "in", None)
        occupation = Occupation.objects.get(youth=youth, source="eservice")
        assert not occupation.confirmed
        assert occupation.type.code == "ARBETE"
        assert "Bageriet" in occupation.description
        # Same rules as a logged contact: the routine stops, a follow-up in three months.
        assert not routine_steps.exists()
        follow_up = Task.objects.get(youth=youth, status="open", kind="follow_up")
        assert follow_up.due_date > timezone.localdate() + dt.timedelta(days=80)
        review = Task.objects.get(youth=youth, status="open", kind="eservice")
        assert review.due_date == timezone.localdate()
        queue = client_for(coach).get(reverse("outreach:queue")).content.decode()
        assert "Svar via e-tjänsten" in queue
        assert "Haddad" in queue
        assert TimelineEntry.objects.filter(youth=youth, kind="eservice").exists()
        # The session is over: a second answer needs the code again.
        assert client.get(reverse("eservice:answer")).status_code == 403

    def test_the_coach_confirms_the_reported_occupation(
        self, client, client_for, youth, coach, other_team_coach
    ):
        _sign_in(client, youth)
        client.post(
            reverse("eservice:answer"),
            {
                "activity": "studying",
                "school": "Komvux Askersund",
                "studies_until": "",
                "programme": "Svenska 1",
            },
        )
        sub = EserviceSubmission.objects.get(youth=youth)
        url = reverse("outreach:eservice_review", args=[sub.pk])
        assert client_for(other_team_coach).get(url).status_code == 404
        coach_client = client_for(coach)
        page = coach_client.get(url).content.decode()
        assert "Komvux Askersund" in page
        assert "ej bekräftad" in page
        from youth.models import OccupationType

        komvux = OccupationType.objects.get(code="KOMVUX")
        response = coach_client.post(url, {"confirm": "on", "occupation_type": komvux.pk})
        assert response.status_code == 302
        sub.refresh_from_db()
        assert sub.reviewed_by == coach
        occupation = Occupation.objects.get(pk=sub.occupation_id)
        assert occupation.confirmed
        assert occupation.type == komvux
        assert not Task.objects.filter(youth=youth, kind="eservice", status="open").exists()
        youth.refresh_from_db()
        assert youth.status == "occupied"

    def test_asking_for_contact_schedules_a_planning_task_within_a_week(self, client, youth):
        _sign_in(client, youth)
        response = client.post(
            reverse("eservice:answer"),
            {
                "activity": "nothing",
                "wants_contact": "on",
                "contact_way": "sms",
                "contact_when": "efter 15",
            },
        )
        assert response.status_code == 302
        planning = Task.objects.get(youth=youth, status="open", kind="planning")
        assert planning.due_date == timezone.localdate() + dt.timedelta(days=7)
        sub = EserviceSubmission.objects.get(youth=youth)
        assert (sub.contact_way, sub.contact_when) == ("sms", "efter 15")

    def test_empty_oversized_and_half_filled_answers_keep_the_input(self, client, youth):
        _sign_in(client, youth)
        url = reverse("eservice:answer")
        empty = client.post(url, {}).content.decode()
        assert "Fyll i minst en sak" in empty
        oversized = client.post(
            url, {"activity": "other", "message": "x" * 1001, "activity_other": "Volontär"}
        ).content.decode()
        assert "högst 1000 tecken" in oversized or "1000" in oversized
        assert 'value="Volontär"' in oversized
        no_way = client.post(url, {"wants_contact": "on"}).content.decode()
        assert "Välj hur du vill att vi hör av oss" in no_way
        assert not EserviceSubmission.objects.exists()
        assert not ContactAttempt.objects.filter(channel="eservice").exists()

    def test_script_is_stored_as_text_and_shown_escaped(self, client, client_for, youth, coach):
        _sign_in(client, youth)
        client.post(
            reverse("eservice:answer"),
            {
                "activity": "other",
                "activity_other": "<script>alert(1)</script>",
                "message": '"><img src=x onerror=alert(2)>',
            },
        )
        sub = EserviceSubmission.objects.get(youth=youth)
        assert sub.activity_other == "<script>alert(1)</script>"
        page = (
            client_for(coach)
            .get(reverse("outreach:eservice_review", args=[sub.pk]))
            .content.decode()
        )
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)" in page
        assert "<img src=x" not in page

    def test_the_honeypot_stores_nothing(self, client, youth):
        _sign_in(client, youth)
        response = client.post(
            reverse("eservice:answer"), {"activity": "working", "webbplats": "http://spam"}
        )
        assert response["Location"] == reverse("eservice:thanks")
        assert not EserviceSubmission.objects.exists()
        assert not ContactAttempt.objects.filter(channel="eservice").exists()

    def test_an_expired_session_keeps_what_was_typed(self, client, youth, settings):
        import time_machine

        _sign_in(client, youth)
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)):
            expired = client.post(
                reverse("eservice:answer"), {"activity": "working", "employer": "Verkstaden"}
            )
        assert expired.status_code == 403
        assert "har inte skickats" in expired.content.decode()
        assert not EserviceSubmission.objects.exists()
        _sign_in(client, youth)
        again = client.get(reverse("eservice:answer")).content.decode()
        assert 'value="Verkstaden"' in again

    def test_a_draft_goes_back_only_to_the_code_it_was_typed_under(
        self, client, youth, municipality, coach
    ):
        import time_machine

        other = youth_make(
            municipality=municipality,
            coach=coach,
            first_name="Bo",
            birth_date=youth.birth_date - dt.timedelta(days=200),
        )
        _sign_in(client, youth)
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)):
            expired = client.post(
                reverse("eservice:answer"),
                {
                    "activity": "working",
                    "employer": "Verkstaden",
                    "wants_contact": "on",
                    "contact_way": "sms",
                    "contact_detail": "0709998877",
                    "has_moved": "on",
                    "moved_to": "Hallsberg",
                    "message": "Amiras hemlighet",
                },
            )
        assert expired.status_code == 403
        # Another youth signs in on the same browser with their own code.
        _sign_in(client, other)
        page = client.get(reverse("eservice:answer")).content.decode()
        assert "<bdi>Bo</bdi>" in page
        for typed in ("Verkstaden", "0709998877", "Hallsberg", "Amiras hemlighet"):
            assert typed not in page
        assert client.session.get("eservice_draft") is None
        # The draft was dropped, not set aside: the first youth does not get it back either.
        _sign_in(client, youth)
        again = client.get(reverse("eservice:answer")).content.decode()
        assert "Amiras hemlighet" not in again
        assert "Verkstaden" not in again

    def test_a_session_that_never_signed_in_keeps_no_draft(self, client, youth):
        posted = client.post(
            reverse("eservice:answer"),
            {"activity": "working", "employer": "Planterat", "message": "Planterad text"},
        )
        assert posted.status_code == 403
        assert client.session.get("eservice_draft") is None
        _sign_in(client, youth)
        page = client.get(reverse("eservice:answer")).content.decode()
        assert "Planterad text" not in page
        assert "Planterat" not in page


class TestFlood:
    def test_a_flood_of_guesses_is_throttled_without_errors(self, client, youth, settings):
        settings.KAA_ESERVICE_LIMIT_IP = 10
        statuses = []
        for i in range(25):
            response = client.post(
                reverse("eservice:start"), {"code": f"AAAA{i:04d}"[-8:], "birth_date": "20080101"}
            )
            statuses.append(response.status_code)
        assert statuses[:10] == [200] * 10
        assert set(statuses[10:]) == {429}
        assert "för många försök" in response.content.decode()
        # Throttled even with the right code and birth date: nothing gets through.
        code = access_code_for(youth)
        right = client.post(
            reverse("eservice:start"), {"code": code.code, "birth_date": _birth(youth)}
        )
        assert right.status_code == 429

    def test_one_code_is_throttled_from_many_addresses(self, client, youth, settings):
        settings.KAA_ESERVICE_LIMIT_CODE = 3
        code = access_code_for(youth)
        statuses = [
            client.post(
                reverse("eservice:start"),
                {"code": code.code, "birth_date": "20080101"},
                REMOTE_ADDR=f"10.0.0.{i}",
            ).status_code
            for i in range(6)
        ]
        assert statuses == [200, 200, 200, 429, 429, 429]

    def test_the_limit_counts_in_redis(self, settings):
        from kaa.lib.ratelimit import Limit, _redis, hit

        assert settings.KAA_RATELIMIT_REDIS_URL.startswith("redis://")
        limit = Limit("test", 2, 60)
        assert [hit([(limit, "x")]) for _ in range(3)] == [True, True, False]
        keys = _redis().keys(f"{settings.KAA_RATELIMIT_PREFIX}:test:*")
        assert len(keys) == 1

    def test_redis_down_fails_open_and_the_lockout_still_holds(self, client, youth, settings):
        from kaa.lib import ratelimit

        settings.KAA_RATELIMIT_REDIS_URL = "redis://127.0.0.1:1/0"
        ratelimit._redis.cache_clear()
        try:
            code = access_code_for(youth)
            for _ in range(settings.KAA_ESERVICE_LOCK_AFTER):
                response = client.post(
                    reverse("eservice:start"), {"code": code.code, "birth_date": "20080101"}
                )
                assert response.status_code == 200
            code.refresh_from_db()
            assert code.is_locked()
        finally:
            ratelimit._redis.cache_clear()
