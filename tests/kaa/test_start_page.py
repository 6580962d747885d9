"""The start page's "Att göra": counts from every app as htmx fragments, each a link to the
list it counts, one query per count."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outreach.queue.models import Task
from records.retention.models import RetentionRun
from reporting.scb.models import ScbReport
from tests.factories import SchoolNotificationFactory, TaskFactory, youth_make
from youth.identification.models import Proposal, Run

pytestmark = pytest.mark.django_db

FRAGMENTS = {
    "outreach": "outreach:todo_counts",
    "school": "plans:school_todo_counts",
    "unassigned": "youth:todo_counts",
    "identification": "youth:identification:todo_counts",
    "retention": "records:retention_todo_counts",
}


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-23 09:00 +01:00", tick=False)


def _items(response) -> dict[str, tuple[int, str]]:
    """label -> (count, link) of a fragment's list items."""
    assert response.status_code == 200
    out = {}
    for li in BeautifulSoup(response.content, "html.parser").find_all("li"):
        out[li.find(class_="todo-label").get_text(strip=True)] = (
            int(li.find(class_="todo-count").get_text(strip=True)),
            li.a["href"],
        )
    return out


def _task(youth, days: int, kind=Task.Kind.FOLLOW_UP, **fields):
    return TaskFactory(
        youth=youth, kind=kind, title=str(kind.label), days=days, ref=f"t{days}{kind}", **fields
    )


def _proposal(municipality, n: int):
    run = Run.objects.create(
        municipality=municipality, on=timezone.localdate(), started_at=timezone.now()
    )
    return Proposal.objects.create(
        run=run,
        municipality=municipality,
        personnummer=f"20091231{n:04d}",
        kind="new",
        reason="OVRIGT",
        effective_on=timezone.localdate(),
        evidence={},
        evidence_hash=str(n),
    )


def test_the_coordinator_sees_every_count_linked_to_its_list(
    client_for, coordinator, coach, municipality, other_municipality
):
    mine = youth_make(municipality=municipality, coach=coach)
    youth_make(municipality=municipality)  # in KAA, no coach
    youth_make(municipality=municipality)
    youth_make(municipality=municipality, open_period=False)  # left KAA: not counted
    youth_make(municipality=other_municipality)  # another municipality's
    _task(mine, -3)
    _task(mine, -1, kind=Task.Kind.ESCALATION)
    _task(mine, 0, kind=Task.Kind.ESERVICE)
    _task(mine, 0, status=Task.Status.DONE, kind=Task.Kind.MEETING)
    SchoolNotificationFactory(municipality=municipality)
    SchoolNotificationFactory(municipality=municipality, status="accepted")
    SchoolNotificationFactory(municipality=other_municipality)
    _proposal(municipality, 1)
    _proposal(other_municipality, 2)
    RetentionRun.objects.create(
        municipality=municipality, proposed_at=timezone.now(), counts={"notes": 1}, cutoffs={}
    )
    client = client_for(coordinator)
    home = client.get(reverse("kaa:home")).content.decode()
    for name in FRAGMENTS.values():
        assert f'hx-get="{reverse(name)}"' in home
    items = {}
    for name in FRAGMENTS.values():
        items.update(_items(client.get(reverse(name))))
    queue = reverse("outreach:queue")
    assert items == {
        "försenade uppgifter": (2, f"{queue}?vy=kommun#bucket-overdue"),
        "svar via e-tjänsten att gå igenom": (1, f"{queue}?vy=kommun&typ=e-tjanst"),
        "ny skolanmälan": (1, reverse("plans:school_inbox") + "?status=new"),
        "ungdomar i KAA utan coach": (2, reverse("youth:list") + "?in_kaa=yes&unassigned=on"),
        "förslag från identifieringen att pröva": (1, reverse("youth:identification:queue")),
        "gallringsförslag väntar på beslut": (1, reverse("records:retention")),
    }
    # The links lead to lists that hold exactly what was counted.
    listed = client.get(reverse("youth:list") + "?in_kaa=yes&unassigned=on")
    assert listed.context["page"].paginator.count == 2
    eservice = client.get(f"{queue}?vy=kommun&typ=e-tjanst")
    assert eservice.context["count"] == 1


def test_a_coach_sees_own_tasks_today_overdue_and_answers(
    client_for, coach, colleague, municipality
):
    mine = youth_make(municipality=municipality, coach=coach)
    theirs = youth_make(municipality=municipality, coach=colleague)
    _task(mine, 0)
    _task(mine, 0, kind=Task.Kind.ESERVICE)
    _task(mine, -2)
    _task(mine, 2)  # later this week: neither today nor overdue
    _task(theirs, -2)
    client = client_for(coach)
    home = client.get(reverse("kaa:home")).content.decode()
    assert f'hx-get="{reverse("outreach:todo_counts")}"' in home
    assert reverse("plans:school_todo_counts") not in home
    queue = reverse("outreach:queue")
    assert _items(client.get(reverse("outreach:todo_counts"))) == {
        "uppgifter i dag": (2, f"{queue}?vy=mina#bucket-today"),
        "försenad uppgift": (1, f"{queue}?vy=mina#bucket-overdue"),
        "svar via e-tjänsten att gå igenom": (1, f"{queue}?vy=mina&typ=e-tjanst"),
    }
    # The coordinator's counts are not the coach's: the fragments answer nothing to them.
    for name in ("plans:school_todo_counts", "youth:todo_counts", "records:retention_todo_counts"):
        assert _items(client.get(reverse(name))) == {}


@pytest.mark.parametrize("role", ["manager", "admin_user"])
def test_roles_without_records_get_no_counts(client_for, role, request):
    client = client_for(request.getfixturevalue(role))
    for name in FRAGMENTS.values():
        assert _items(client.get(reverse(name))) == {}


def test_one_query_per_count_whatever_the_numbers(client_for, coordinator, coach, municipality):
    client = client_for(coordinator)

    def queries() -> dict[str, int]:
        out = {}
        for key, name in FRAGMENTS.items():
            with CaptureQueriesContext(connection) as captured:
                client.get(reverse(name))
            out[key] = len(captured.captured_queries)
        return out

    before = queries()
    for _n in range(5):
        youth = youth_make(municipality=municipality, coach=coach)
        _task(youth, -1)
        _task(youth, 0, kind=Task.Kind.ESERVICE)
        youth_make(municipality=municipality)
        SchoolNotificationFactory(municipality=municipality)
    assert queries() == before
    # The session and the user cost the same for every fragment; the counts add one each,
    # the work queue's three counts come in one.
    base = before["retention"] - 1
    assert {k: v - base for k, v in before.items()} == {
        "outreach": 1,
        "school": 1,
        "unassigned": 1,
        "identification": 1,
        "retention": 1,
    }


def test_a_half_year_past_its_deadline_and_not_submitted_is_an_alert(
    client_for, coordinator, coach, municipality
):
    ScbReport.objects.create(municipality=municipality, period="2025H2", status="submitted")
    url = reverse("reporting:scb_banner")
    body = BeautifulSoup(client_for(coordinator).get(url).content, "html.parser")
    alerts = body.select('[role="alert"]')
    assert len(alerts) == 1
    text = alerts[0].get_text(" ", strip=True)
    assert "SCB-rapporten för januari–juni 2026 är försenad" in text
    # The profile sets the deadline: 2026-08-31.
    assert "senast 2026-08-31, för 84 dagar sedan, och är inte inskickad" in text
    assert alerts[0].a["href"] == reverse("reporting:scb_period", args=["2026H1"])
    assert "2026H1" not in client_for(coach).get(url).content.decode()


def test_a_half_year_before_its_deadline_says_how_many_days_are_left(
    client_for, coordinator, municipality, time_machine
):
    time_machine.move_to("2026-07-15 09:00 +02:00", tick=False)
    ScbReport.objects.create(municipality=municipality, period="2025H2", status="submitted")
    body = BeautifulSoup(
        client_for(coordinator).get(reverse("reporting:scb_banner")).content, "html.parser"
    )
    assert not body.select('[role="alert"]')
    assert "SCB-rapporten för 2026H1 ska skickas senast 2026-08-31 (47 dagar kvar)." in (
        body.get_text(" ", strip=True)
    )
    ScbReport.objects.filter(period="2025H2").update(status="draft")
    body = client_for(coordinator).get(reverse("reporting:scb_banner")).content.decode()
    assert "Rapporten för 2025H2 skulle ha skickats till SCB senast 2026-03-01" in body


def test_a_new_installation_is_not_told_of_half_years_reported_before_kaa(
    client_for, coordinator, municipality
):
    import datetime as dt

    from django.utils import timezone

    municipality.in_use_from = timezone.localdate()  # set up today, as kaa_setup does
    municipality.save()
    body = client_for(coordinator).get(reverse("reporting:scb_banner")).content.decode()
    assert "2026H1" not in body
    assert "2025H2" not in body
    municipality.in_use_from = dt.date(2026, 6, 1)  # in use during 2026H1: that one is KAA's
    municipality.save()
    body = client_for(coordinator).get(reverse("reporting:scb_banner")).content.decode()
    assert "2026H1" in body
    assert "2025H2" not in body
