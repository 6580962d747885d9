"""The log review: flagged reads with reasons, staff reading many youths outside
their caseload, exports, and the sample-review workflow."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from records.log_review.models import AuditSample
from tests.factories import with_reason, youth_make

pytestmark = pytest.mark.django_db


def _read(user, youth, **extra):
    return AuditEvent.objects.create(
        action="read",
        user=user,
        username=user.username,
        role=user.role,
        municipality=user.municipality,
        object_type="youth.youth",
        object_id=str(youth.pk),
        youth_id=youth.pk,
        **extra,
    )


def test_the_review_lists_protected_reads_with_their_reasons(
    client_for, coordinator, coach, municipality
):
    youth = youth_make(municipality=municipality, coach=coach, protected_identity=True)
    with_reason(client_for(coach), youth)
    page = client_for(coordinator).get(reverse("records:access_review")).content.decode()
    section = page.split('id="flagged-heading"')[1].split("</section>")[0]
    assert "skäl: Jag handlägger ärendet" in section
    assert f"<td>{coach.username}</td>" in section
    assert client_for(coach).get(reverse("records:access_review")).status_code == 403


def test_many_youths_outside_the_caseload_are_listed(
    client_for, coordinator, coach, colleague, municipality, django_assert_max_num_queries
):
    youths = [youth_make(municipality=municipality, coach=coach) for _ in range(21)]
    for youth in youths:
        _read(colleague, youth)  # a teammate reading someone else's caseload
        _read(coach, youth)  # the coach reading their own: not unusual
    client = client_for(coordinator)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("records:access_review")).content.decode()
    section = page.split('id="outside-heading"')[1].split("</section>")[0]
    assert f">{colleague.username}</a>" in section
    assert f">{coach.username}</a>" not in section
    assert "<td>21</td>" in section


def test_reads_of_youths_without_a_coach_count_as_outside_the_caseload(municipality, colleague):
    import datetime as dt

    from django.utils import timezone

    from records.log_review.services import outside_caseload

    for _ in range(21):
        _read(colleague, youth_make(municipality=municipality))  # no coach
    today = timezone.localdate()
    rows = outside_caseload(municipality.pk, today - dt.timedelta(days=1), today)
    assert [(r["username"], r["youths"]) for r in rows] == [(colleague.username, 21)]
    assert outside_caseload(None, today - dt.timedelta(days=1), today) == []


def test_exports_are_listed(client_for, coordinator, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach)
    AuditEvent.objects.create(
        action="export",
        user=coordinator,
        username="sara",
        role="coordinator",
        municipality=municipality,
        object_type="youth.youth",
        youth_id=youth.pk,
        detail="registerutdrag",
    )
    page = client_for(coordinator).get(reverse("records:access_review")).content.decode()
    section = page.split('id="exports-heading"')[1].split("</section>")[0]
    assert "registerutdrag" in section


def test_a_sample_is_drawn_reviewed_and_kept(
    client_for, coordinator, coach, stranger_coordinator, municipality
):
    youths = [youth_make(municipality=municipality, coach=coach) for _ in range(30)]
    for youth in youths:
        _read(coach, youth)
    client = client_for(coordinator)
    today = timezone.localdate().isoformat()  # the local day: near midnight UTC differs
    response = client.post(reverse("records:access_sample_new"), {"start": today, "end": today})
    sample = AuditSample.objects.get()
    assert response["Location"] == reverse("records:access_sample", args=[sample.pk])
    assert len(sample.event_ids) == 20
    assert len(set(sample.event_ids)) == 20
    page = client.get(response["Location"]).content.decode()
    assert page.count("<tr>") == 21  # a header and twenty reads
    assert client_for(stranger_coordinator).get(response["Location"]).status_code == 404
    client.post(response["Location"], {"findings": "Alla läsningar hade skäl."})
    sample.refresh_from_db()
    assert sample.reviewed_by == coordinator
    assert sample.findings_made.get().text == "Alla läsningar hade skäl."
    bad = client.post(reverse("records:access_sample_new"), {"start": today, "end": "2000-01-01"})
    assert bad.status_code == 302
    assert AuditSample.objects.count() == 1
