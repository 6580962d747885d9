"""The work queue's rows: each links to its youth, its outcome buttons post to its own task,
"what" is the channel's (or the kind's) label, and the page's query count does not grow with
the number of rows."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outreach.models import Task
from outreach.routine.engine import deadlines_refresh
from outreach.routine.services import routine_from_template
from tests.factories import youth_make

pytestmark = pytest.mark.django_db


def _due(municipality, coach, n: int) -> None:
    for i in range(n):
        youth_make(
            municipality=municipality,
            coach=coach,
            first_name=f"Rad{i}",
            start_date=timezone.localdate() - dt.timedelta(days=21),
        )
    deadlines_refresh()


def test_each_row_links_its_youth_and_posts_its_own_outcome(client_for, coach, municipality):
    routine_from_template(municipality=municipality, key="askersund", actor=None)
    _due(municipality, coach, 3)
    body = client_for(coach).get(reverse("outreach:queue")).content.decode()
    soup = BeautifulSoup(body, "html.parser")
    rows = soup.select("tbody tr")
    assert rows
    tasks = {t.pk: t for t in Task.objects.filter(youth__coach=coach)}
    for row in rows:
        pk = int(row.select_one("input[name=task]")["value"])
        task = tasks[pk]
        link = row.select_one(".stack-title a")
        assert link["href"] == reverse("youth:detail", args=[task.youth_id])
        form = row.select_one("form")
        if not task.link:
            assert form["action"] == reverse("outreach:task_outcome", args=[pk])
        what = row.select("td")[3].get_text()
        label = task.get_channel_display() if task.channel else task.get_kind_display()
        assert what.startswith(str(label))
        assert row.select("td")[2]["data-label"] == "Senast"


def test_the_queue_query_count_does_not_grow_with_its_rows(client_for, coach, municipality):
    routine_from_template(municipality=municipality, key="askersund", actor=None)
    client = client_for(coach)
    _due(municipality, coach, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("outreach:queue"))
    _due(municipality, coach, 10)
    assert Task.objects.filter(youth__coach=coach, status="open").count() > 10
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("outreach:queue"))
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries) <= 14
