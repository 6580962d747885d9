"""School notifications (a school's notice of a student who stopped, risks stopping or is
often absent): the public form, the receipt without personal data, the coordinators' inbox,
accepting and rejecting, abuse resistance."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from demo.factories import personnummer_for
from plans.models import SchoolNotification
from plans.school.services import receipt_send
from tests.factories import SchoolNotificationFactory, reason, youth_make
from youth.models import KaaPeriod, TimelineEntry, Youth

pytestmark = pytest.mark.django_db


def _pnr(serial: int = 501) -> str:
    today = timezone.localdate()
    return personnummer_for(today.replace(year=today.year - 17), serial)


def _strip_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def _data(municipality, **changes):
    data = {
        "municipality": municipality.pk,
        "kind": "stopped",
        "personnummer": _pnr(),
        "first_name": "Nour",
        "last_name": "Al-Sayed",
        "school": "Alléskolan",
        "programme": "Ekonomiprogrammet",
        "event_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "contact_name": "Eva Mentor",
        "contact_email": "eva@alleskolan.example",
        "contact_phone": "",
        "message": "Har inte kommit sedan oktober.",
    }
    data.update(changes)
    return data


def _notice(municipality, **changes) -> SchoolNotification:
    fields = {
        "personnummer": _pnr(),
        "event_date": timezone.localdate() - dt.timedelta(days=3),
        "contact_email": "eva@alleskolan.example",
    }
    return SchoolNotificationFactory(municipality=municipality, **{**fields, **changes})


class TestPublicForm:
    def test_a_school_notifies_and_gets_a_receipt_without_personal_data(
        self, client, municipality, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("school:notify"), _data(municipality))
        assert response["Location"] == reverse("school:received")
        notice = SchoolNotification.objects.get()
        assert (notice.status, notice.school, notice.personnummer[:2]) == (
            "new",
            "Alléskolan",
            "20",
        )
        assert notice.receipt_sent_at is not None
        [receipt] = mail.outbox
        assert receipt.to == ["eva@alleskolan.example"]
        text = receipt.subject + receipt.body
        assert notice.reference in text
        for personal in (
            "Nour",
            "Al-Sayed",
            notice.personnummer,
            notice.personnummer[2:8],
            "Ekonomiprogrammet",
            "oktober",
        ):
            assert personal not in text

    def test_the_receipt_goes_out_once_whatever_retries(self, municipality):
        notice = _notice(municipality)
        assert receipt_send(notice.pk) is True
        assert receipt_send(notice.pk) is False
        assert len(mail.outbox) == 1

    def test_the_answer_does_not_tell_whether_the_student_is_known(self, client, municipality):
        known = youth_make(municipality=municipality)
        first = client.post(
            reverse("school:notify"),
            _data(municipality, personnummer=known.personnummer),
            follow=True,
        )
        second = client.post(reverse("school:notify"), _data(municipality), follow=True)
        assert first.redirect_chain == second.redirect_chain
        assert _strip_tokens(first.content.decode()) == _strip_tokens(second.content.decode())

    def test_bad_input_gets_swedish_messages_and_keeps_what_was_typed(self, client, municipality):
        future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
        response = client.post(
            reverse("school:notify"),
            _data(
                municipality,
                personnummer="20080101-1235",
                event_date=future,
                message="x" * 2001,
                contact_email="inte-en-adress",
            ),
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "Formuläret innehåller fel" in body
        assert "Datumet kan inte ligga i framtiden" in body
        assert "kontrollsiffra" in body.lower() or "personnummer" in body.lower()
        assert 'value="Alléskolan"' in body
        assert not SchoolNotification.objects.exists()
        empty = client.post(reverse("school:notify"), {}).content.decode()
        assert "Detta fält måste fyllas i" in empty or "obligatoriskt" in empty.lower()
        assert not SchoolNotification.objects.exists()

    def test_the_honeypot_stores_nothing_and_looks_the_same(self, client, municipality):
        response = client.post(reverse("school:notify"), {**_data(municipality), "webbplats": "x"})
        assert response["Location"] == reverse("school:received")
        assert not SchoolNotification.objects.exists()
        assert not mail.outbox

    def test_the_same_notice_sent_twice_is_one_notice_with_one_receipt(
        self, client, municipality, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = client.post(reverse("school:notify"), _data(municipality))
            again = client.post(reverse("school:notify"), _data(municipality))
        assert first["Location"] == again["Location"] == reverse("school:received")
        assert SchoolNotification.objects.count() == 1
        assert len(mail.outbox) == 1
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("school:notify"), _data(municipality, kind="at_risk"))
        assert SchoolNotification.objects.count() == 2
        assert len(mail.outbox) == 2

    def test_a_flood_is_throttled_without_errors(self, client, municipality, settings):
        settings.KAA_SCHOOL_LIMIT_IP = 5
        statuses = [
            client.post(
                reverse("school:notify"), _data(municipality, first_name=f"Elev{i}")
            ).status_code
            for i in range(12)
        ]
        assert statuses[:5] == [302] * 5
        assert set(statuses[5:]) == {429}
        assert SchoolNotification.objects.count() == 5


class TestInbox:
    def test_the_coordinator_accepts_a_dropout_and_registers_the_student_in_kaa(
        self, client_for, coordinator, municipality
    ):
        notice = _notice(municipality)
        client = client_for(coordinator)
        inbox = client.get(reverse("plans:school_inbox")).content.decode()
        assert notice.reference in inbox
        detail = client.get(reverse("plans:school_detail", args=[notice.pk])).content.decode()
        assert "Al-Sayed" in detail
        assert "finns inte i registret" in detail
        response = client.post(
            reverse("plans:school_accept", args=[notice.pk]),
            {
                "handling": "period",
                "reason": reason("AVBROTT_NATIONELLT").pk,
                "start_date": notice.event_date.isoformat(),
            },
        )
        youth = Youth.objects.get(personnummer=notice.personnummer)
        assert response["Location"] == reverse("youth:detail", args=[youth.pk])
        period = KaaPeriod.objects.get(youth=youth, end_date__isnull=True)
        assert period.start_date == notice.event_date
        assert youth.former_school == "Alléskolan"
        assert TimelineEntry.objects.filter(youth=youth, kind="school_notice").exists()
        notice.refresh_from_db()
        assert (notice.status, notice.youth, notice.handled_by) == ("accepted", youth, coordinator)
        again = client.post(reverse("plans:school_accept", args=[notice.pk]), {"handling": "link"})
        assert again.status_code == 400
        assert "redan hanterad" in again.content.decode()

    def test_a_risk_of_dropping_out_becomes_a_preventive_case(
        self, client_for, coordinator, municipality
    ):
        notice = _notice(municipality, kind="at_risk")
        client_for(coordinator).post(
            reverse("plans:school_accept", args=[notice.pk]), {"handling": "preventive"}
        )
        youth = Youth.objects.get(personnummer=notice.personnummer)
        assert not KaaPeriod.objects.filter(youth=youth).exists()
        assert TimelineEntry.objects.filter(youth=youth, kind="preventive").exists()

    def test_a_known_student_is_matched_by_personnummer(
        self, client_for, coordinator, municipality
    ):
        known = youth_make(municipality=municipality, last_name="Redan-Känd")
        notice = _notice(municipality, kind="absence", personnummer=known.personnummer)
        client = client_for(coordinator)
        detail = client.get(reverse("plans:school_detail", args=[notice.pk])).content.decode()
        assert "Redan-Känd" in detail
        client.post(reverse("plans:school_accept", args=[notice.pk]), {"handling": "link"})
        notice.refresh_from_db()
        assert notice.youth == known
        assert Youth.objects.filter(personnummer=known.personnummer).count() == 1

    def test_a_rejection_needs_a_reason(self, client_for, coordinator, municipality):
        notice = _notice(municipality)
        client = client_for(coordinator)
        missing = client.post(
            reverse("plans:school_reject", args=[notice.pk]), {"reject_reason": " "}
        )
        assert missing.status_code == 400
        assert "Skäl" in missing.content.decode()
        client.post(
            reverse("plans:school_reject", args=[notice.pk]),
            {"reject_reason": "Folkbokförd i annan kommun"},
        )
        notice.refresh_from_db()
        assert (notice.status, notice.reject_reason) == ("rejected", "Folkbokförd i annan kommun")

    def test_only_the_municipalitys_coordinators_see_and_handle_notices(
        self, client_for, coach, stranger_coordinator, municipality
    ):
        notice = _notice(municipality)
        detail = reverse("plans:school_detail", args=[notice.pk])
        assert client_for(coach).get(detail).status_code == 403
        assert client_for(stranger_coordinator).get(detail).status_code == 404
        assert (
            client_for(stranger_coordinator)
            .post(reverse("plans:school_accept", args=[notice.pk]), {"handling": "preventive"})
            .status_code
            == 404
        )
        assert (
            client_for(coach)
            .post(reverse("plans:school_reject", args=[notice.pk]), {"reject_reason": "x"})
            .status_code
            == 403
        )
        notice.refresh_from_db()
        assert notice.status == "new"

    def test_script_in_a_notice_is_shown_escaped(self, client_for, coordinator, municipality):
        notice = _notice(municipality, message="<script>alert(1)</script>", school="<b>Skolan</b>")
        body = (
            client_for(coordinator)
            .get(reverse("plans:school_detail", args=[notice.pk]))
            .content.decode()
        )
        assert "<script>alert(1)" not in body
        assert "&lt;script&gt;" in body
        assert "<b>Skolan</b>" not in body

    def test_the_inbox_query_count_does_not_grow(
        self, client_for, coordinator, municipality, django_assert_max_num_queries
    ):
        for i in range(30):
            _notice(municipality, first_name=f"E{i}")
        client = client_for(coordinator)
        with django_assert_max_num_queries(12):
            body = client.get(reverse("plans:school_inbox")).content.decode()
        assert "30 anmälningar" in body
