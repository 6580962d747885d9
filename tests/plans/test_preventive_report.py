"""The preventive-case form is no register oracle: a coach who types a personnummer they may
not see (not in the register, another team's youth, a protected or restricted youth) gets one
and the same answer, the report goes to the coordinators' inbox, and a number that matched a
hidden record is audited as a denial (flagged for a protected identity)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.youths import personnummer_for
from kaa.models import AuditEvent
from plans.models import SchoolNotification
from tests.factories import youth_make
from youth.data_protection.services import restriction_set
from youth.models import TimelineEntry, Youth

pytestmark = pytest.mark.django_db
URL = "plans:preventive_new"


def _strip_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def _form(personnummer: str, **changes) -> dict[str, str]:
    data = {
        "personnummer": personnummer,
        "first_name": "Nour",
        "last_name": "Al-Sayed",
        "phone": "0701112233",
        "school": "Alléskolan",
        "reported_on": timezone.localdate().isoformat(),
    }
    data.update(changes)
    return data


def _unknown_number() -> str:
    today = timezone.localdate()
    return personnummer_for(today.replace(year=today.year - 16) - dt.timedelta(days=3), 777)


def _answer(client, personnummer: str) -> tuple[int, str, str]:
    """What the coach sees: the status, where it leads, and the page they land on."""
    response = client.post(reverse(URL), _form(personnummer))
    landed = client.get(response["Location"]) if response.status_code == 302 else response
    return (
        response.status_code,
        response.get("Location", ""),
        _strip_tokens(landed.content.decode()),
    )


def test_every_number_the_coach_may_not_see_gets_the_same_answer(
    client_for, coach, other_team_coach, coordinator
):
    others = youth_make(
        municipality=coach.municipality,
        coach=other_team_coach,
        open_period=False,
        last_name="Annatteam",
    )
    protected = youth_make(
        municipality=coach.municipality,
        coach=other_team_coach,
        open_period=False,
        protected_identity=True,
        last_name="Skyddad",
    )
    restricted = youth_make(
        municipality=coach.municipality, coach=coach, open_period=False, last_name="Begransad"
    )
    restriction_set(
        youth=restricted, actor=coordinator, reason="Bestrider", received_on=timezone.localdate()
    )
    unknown = _unknown_number()
    youths_before = Youth.objects.count()
    timeline_before = TimelineEntry.objects.count()
    client = client_for(coach)

    answers = {
        name: _answer(client, number)
        for name, number in (
            ("unknown", unknown),
            ("other team", others.personnummer),
            ("protected", protected.personnummer),
            ("restricted", restricted.personnummer),
        )
    }

    first = answers["unknown"]
    assert first[0] == 302
    assert "skickad till samordnarna" in first[2]
    assert "inte bland dina ärenden" not in first[2]
    for name, answer in answers.items():
        assert answer == first, f"the answer for {name} differs from an unknown number's"

    # Nothing was created, assigned or written on a timeline from the coach's side.
    assert Youth.objects.count() == youths_before
    assert TimelineEntry.objects.count() == timeline_before
    for youth in (others, protected, restricted):
        youth.refresh_from_db()
        assert youth.coach != coach or youth == restricted
        assert client.get(reverse("youth:detail", args=[youth.pk])).status_code == 404

    # The coordinators get each report in their inbox, with who sent it.
    routed = SchoolNotification.objects.filter(
        municipality=coach.municipality, status="new", reported_by=coach
    )
    assert sorted(n.personnummer for n in routed) == sorted(
        [unknown, others.personnummer, protected.personnummer, restricted.personnummer]
    )
    notice = routed.get(personnummer=unknown)
    assert (notice.first_name, notice.last_name, notice.school) == (
        "Nour",
        "Al-Sayed",
        "Alléskolan",
    )
    assert notice.kind == "at_risk"
    assert "0701112233" in notice.message
    inbox = client_for(coordinator).get(reverse("plans:school_inbox")).content.decode()
    # The protected youth's report names a school, which could locate them: the inbox withholds it.
    assert inbox.count("Alléskolan") == 3
    assert "Skyddade personuppgifter" in inbox
    detail = (
        client_for(coordinator)
        .get(reverse("plans:school_detail", args=[notice.pk]))
        .content.decode()
    )
    assert "Nour Al-Sayed" in detail
    assert coach.get_full_name() in detail
    # A report from a coach sends no receipt e-mail anywhere.
    assert not routed.filter(receipt_sent_at__isnull=False).exists()

    # Each number that matched a record the coach may not see is a denial naming the youth;
    # every denial is flagged for the log review.
    denied = AuditEvent.objects.filter(action="denied", user=coach, path=reverse(URL))
    assert denied.filter(youth_id=others.pk, flagged=True).count() == 1
    assert denied.filter(youth_id=protected.pk, flagged=True).count() == 1
    assert denied.filter(youth_id=restricted.pk).count() == 1
    assert {e.object_id for e in denied} == {str(others.pk), str(protected.pk), str(restricted.pk)}


def test_a_coach_s_own_or_team_youth_still_opens_the_case(client_for, coach, colleague):
    mine = youth_make(municipality=coach.municipality, coach=colleague, open_period=False)
    response = client_for(coach).post(reverse(URL), _form(mine.personnummer))
    assert response.status_code == 302
    assert response["Location"] == reverse("youth:detail", args=[mine.pk])
    assert TimelineEntry.objects.filter(youth=mine, kind="preventive").exists()
    assert not SchoolNotification.objects.exists()
    assert not AuditEvent.objects.filter(action="denied").exists()


def test_a_coordinator_opens_the_case_for_a_new_student_directly(client_for, coordinator):
    number = _unknown_number()
    response = client_for(coordinator).post(reverse(URL), _form(number))
    youth = Youth.objects.get(personnummer=number)
    assert response["Location"] == reverse("youth:detail", args=[youth.pk])
    assert TimelineEntry.objects.filter(youth=youth, kind="preventive").exists()
    assert not SchoolNotification.objects.exists()


def test_a_bad_number_is_still_an_error_on_the_form(client_for, coach):
    body = client_for(coach).post(reverse(URL), _form("19000101-0000")).content.decode()
    assert 'value="Nour"' in body
    assert not SchoolNotification.objects.exists()


def test_the_same_report_sent_twice_to_the_coordinators_is_refused_with_a_message(
    client_for, coach
):
    client = client_for(coach)
    number = _unknown_number()
    first = client.post(reverse(URL), _form(number))
    assert first.status_code == 302
    second = client.post(reverse(URL), _form(number))
    assert second.status_code == 200
    body = second.content.decode()
    assert "En likadan anmälan (samma elev, skola och datum) väntar redan" in body
    assert 'value="Alléskolan"' in body  # nothing typed is lost
    assert SchoolNotification.objects.filter(personnummer__endswith=number[-4:]).count() == 1
    # Another date is another report.
    other_day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert client.post(reverse(URL), _form(number, reported_on=other_day)).status_code == 302
    assert SchoolNotification.objects.filter(personnummer__endswith=number[-4:]).count() == 2


def test_the_same_report_on_a_case_already_opened_is_refused_with_a_message(
    client_for, coordinator
):
    client = client_for(coordinator)
    number = _unknown_number()
    assert client.post(reverse(URL), _form(number)).status_code == 302
    youth = Youth.objects.get(last_name="Al-Sayed")
    second = client.post(reverse(URL), _form(number))
    assert second.status_code == 200
    assert "Den här anmälan från Alléskolan är redan registrerad för eleven" in (
        second.content.decode()
    )
    assert TimelineEntry.objects.filter(youth=youth, kind="preventive").count() == 1
    # Another school's report is noted.
    assert client.post(reverse(URL), _form(number, school="Bergsskolan")).status_code == 302
    assert TimelineEntry.objects.filter(youth=youth, kind="preventive").count() == 2
