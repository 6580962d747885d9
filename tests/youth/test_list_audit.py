"""List pages name youths (names, birth dates, status and the protected flag are personal data):
each page view writes exactly one audit event, in one INSERT, naming every youth shown."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from outreach.letters.services import templates_ensure_defaults
from outreach.models import LetterBatch, MessageTemplate
from outreach.routine import services
from outreach.routine.engine import deadlines_refresh
from plans.models import ActionPlan
from tests.factories import plan_make, youth_make

pytestmark = pytest.mark.django_db


def _list_event(client, url, params=None, *, status=200) -> tuple[AuditEvent, str]:
    """Load a list page; exactly one audit INSERT, one new event, which is returned."""
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == status, url
    inserts = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('INSERT INTO "kaa_auditevent"')
    ]
    assert len(inserts) == 1, (url, inserts)
    new = list(AuditEvent.objects.exclude(pk__in=before))
    assert len(new) == 1, (url, [(e.action, e.detail) for e in new])
    event = new[0]
    assert event.youth_id is None  # naming a youth in a list is not a read of the record
    return event, response.content.decode()


@pytest.fixture
def caseload(municipality, coach):
    start = timezone.localdate() - dt.timedelta(days=21)
    return [
        youth_make(
            municipality=municipality, coach=coach, last_name=f"Listad{i}", start_date=start
        )
        for i in range(3)
    ]


@pytest.fixture
def elsewhere(municipality, other_team_coach):
    return youth_make(municipality=municipality, coach=other_team_coach, last_name="Annanstans")


def test_the_register_list_logs_the_youths_shown(client_for, coach, caseload, elsewhere):
    event, body = _list_event(client_for(coach), reverse("youth:list"))
    assert (event.action, event.detail, event.user) == ("read", "ungdomslista", coach)
    assert event.youth_ids == sorted(y.pk for y in caseload)
    assert event.path == reverse("youth:list")
    assert not event.flagged
    assert "Annanstans" not in body


def test_a_second_page_logs_its_own_rows(client_for, coordinator, municipality):
    youths = sorted(
        (youth_make(municipality=municipality, last_name=f"Sida{i:02d}") for i in range(55)),
        key=lambda y: (y.last_name, y.first_name, y.pk),
    )
    event, _body = _list_event(client_for(coordinator), reverse("youth:list"), {"page": 2})
    assert event.youth_ids == sorted(y.pk for y in youths[50:])


def test_search_results_log_the_hits_shown(client_for, coach, caseload):
    client = client_for(coach)
    location = client.post(reverse("youth:list"), {"q": "listad1"})["Location"]
    path, _sep, query = location.partition("?")
    event, _body = _list_event(client, path, dict(p.split("=") for p in query.split("&")))
    assert (event.action, event.detail) == ("search", "hits:1")
    assert event.youth_ids == [caseload[1].pk]


def test_the_caseload_logs_the_youths_shown(client_for, coach, caseload, elsewhere):
    event, _body = _list_event(client_for(coach), reverse("youth:caseload"))
    assert event.detail == "mina_ungdomar"
    assert event.youth_ids == sorted(y.pk for y in caseload)


def test_the_work_queue_and_weekly_review_log_one_event_each(
    client_for, coach, coordinator, municipality, caseload
):
    services.routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    deadlines_refresh()
    client = client_for(coach)
    event, _body = _list_event(client, reverse("outreach:queue"))
    assert event.detail == "arbetsko"
    assert event.youth_ids == sorted(y.pk for y in caseload)
    fresh = youth_make(
        municipality=municipality, coach=coach, last_name="Ny", start_date=timezone.localdate()
    )
    event, body = _list_event(client, reverse("outreach:review"))
    assert "Ny" in body
    assert event.detail == "veckogenomgang"
    assert event.youth_ids == [fresh.pk]  # registered this week; the others are not due


def test_overdue_follow_ups_log_the_youths_shown(client_for, coach, caseload):
    for youth in caseload[:2]:
        plan = plan_make(youth, actor=coach)
        ActionPlan.objects.filter(pk=plan.pk).update(
            next_follow_up=timezone.localdate() - dt.timedelta(days=3)
        )
    event, _body = _list_event(client_for(coach), reverse("plans:overdue"))
    assert event.detail == "sena_uppfoljningar"
    assert event.youth_ids == sorted(y.pk for y in caseload[:2])


def test_letter_batch_pages_log_the_youths_shown(client_for, coordinator, municipality, caseload):
    services.routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    templates_ensure_defaults(municipality=municipality, actor=coordinator)
    deadlines_refresh()
    client = client_for(coordinator)
    template = MessageTemplate.objects.get(kind="postcard")
    params = {
        "channel": "postcard",
        "template": template.pk,
        "until": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    }
    event, preview = _list_event(client, reverse("outreach:batch_new"), params)
    assert event.detail == "utskick"
    assert event.youth_ids == sorted(y.pk for y in caseload)
    key = re.search(r'name="key" value="([0-9a-f-]+)"', preview).group(1)
    client.post(reverse("outreach:batch_new"), {**params, "key": key})
    batch = LetterBatch.objects.get()
    event, _body = _list_event(client, reverse("outreach:batch_detail", args=[batch.pk]))
    assert event.youth_ids == sorted(y.pk for y in caseload)


def test_a_coach_cannot_list_who_is_protected(client_for, coach, municipality):
    youth_make(municipality=municipality, coach=coach, protected_identity=True, last_name="Dold")
    client = client_for(coach)
    assert "Skyddade personuppgifter" not in client.get(reverse("youth:list")).content.decode()
    response = client.get(reverse("youth:list"), {"protected": "on"})
    assert response.status_code == 403
    assert "Dold" not in response.content.decode()
    assert AuditEvent.objects.filter(
        action="denied", user=coach, detail="perm:view_protected"
    ).exists()


def test_a_coordinator_listing_who_is_protected_is_flagged(client_for, coordinator, municipality):
    hidden = youth_make(municipality=municipality, protected_identity=True, last_name="Dold")
    youth_make(municipality=municipality, last_name="Synlig")
    event, body = _list_event(client_for(coordinator), reverse("youth:list"), {"protected": "on"})
    assert "Dold" in body
    assert "Synlig" not in body
    assert event.flagged
    assert event.youth_ids == [hidden.pk]
    assert event.detail == "ungdomslista filter:skyddade"


def test_the_log_review_finds_the_lists_that_named_a_youth(
    client_for, coordinator, coach, caseload
):
    client_for(coach).get(reverse("youth:list"))
    page = (
        client_for(coordinator)
        .get(reverse("records:audit_list"), {"youth": caseload[0].pk})
        .content.decode()
    )
    assert "listan över ungdomar" in page  # the page's code "ungdomslista" in words
    assert "lista med 3 ungdomar" in page
