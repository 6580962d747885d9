"""Findings of a review of the privacy rules: no record reached outside the
user's scope by personnummer, nothing written to a frozen record, no address of a protected
youth shown through a guardian, every page showing a plan logged as a read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from plans.models import SchoolNotification
from tests.factories import plan_make, with_reason, youth_make
from youth.caseload.services import caseload_hand_over
from youth.data_protection.services import restriction_set
from youth.models import Assignment, TimelineEntry, Youth
from youth.register.services import guardian_add

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _preventive(youth, **changes):
    data = {
        "personnummer": youth.personnummer,
        "first_name": "Ny",
        "last_name": "Elev",
        "school": "Alléskolan",
        "reported_on": TODAY().isoformat(),
    }
    data.update(changes)
    return data


def test_a_coach_cannot_take_over_a_record_outside_their_scope_by_personnummer(
    client_for, other_team_coach, coach
):
    unassigned = youth_make(
        municipality=coach.municipality, open_period=False, last_name="Utanför"
    )
    client = client_for(other_team_coach)
    assert client.get(reverse("youth:detail", args=[unassigned.pk])).status_code == 404
    response = client.post(reverse("plans:preventive_new"), _preventive(unassigned), follow=True)
    assert "skickad till samordnarna" in response.content.decode()
    unassigned.refresh_from_db()
    assert unassigned.coach is None
    assert not TimelineEntry.objects.filter(youth=unassigned, kind="preventive").exists()
    assert client.get(reverse("youth:detail", args=[unassigned.pk])).status_code == 404
    # A restricted record gets the same answer (whether it is restricted is not said).
    theirs = youth_make(municipality=coach.municipality, coach=coach, open_period=False)
    restriction_set(youth=theirs, actor=coach, reason="Bestrider", received_on=TODAY())
    body = client.post(
        reverse("plans:preventive_new"), _preventive(theirs), follow=True
    ).content.decode()
    assert "skickad till samordnarna" in body
    assert "begränsad" not in body
    # Their own record, or a new person, goes through as before.
    mine = youth_make(municipality=coach.municipality, coach=other_team_coach, open_period=False)
    assert client.post(reverse("plans:preventive_new"), _preventive(mine)).status_code == 302
    assert TimelineEntry.objects.filter(youth=mine, kind="preventive").exists()


def test_a_school_notice_is_not_linked_to_a_restricted_record(client_for, coordinator, coach):
    youth = youth_make(municipality=coach.municipality, coach=coach)
    restriction_set(youth=youth, actor=coordinator, reason="Bestrider", received_on=TODAY())
    notice = SchoolNotification.objects.create(
        municipality=coach.municipality,
        kind="stopped",
        personnummer=youth.personnummer,
        first_name="A",
        last_name="B",
        school="Alléskolan",
        event_date=TODAY() - dt.timedelta(days=2),
        contact_name="Eva",
        contact_email="eva@alleskolan.example",
    )
    entries = TimelineEntry.objects.filter(youth=youth).count()
    response = client_for(coordinator).post(
        reverse("plans:school_accept", args=[notice.pk]), {"handling": "link"}
    )
    assert response.status_code == 400
    assert "begränsad" in response.content.decode()
    assert TimelineEntry.objects.filter(youth=youth).count() == entries
    notice.refresh_from_db()
    assert notice.status == "new"


def test_a_protected_youth_s_address_is_not_shown_through_a_guardian(
    client_for, coach, coordinator
):
    youth = youth_make(
        municipality=coach.municipality, coach=coach, protected_identity=True, address="Hemlig 1"
    )
    guardian_add(
        youth=youth,
        actor=coordinator,
        name="Mamma Skydd",
        address="Hemlig 1",
        postal_code="123 45",
        city="Askersund",
    )
    page = (
        with_reason(client_for(coach), youth)
        .get(reverse("youth:detail", args=[youth.pk]))
        .content.decode()
    )
    assert "Mamma Skydd" in page
    assert "Hemlig 1" not in page
    assert "Skyddade personuppgifter – kontakta ansvarig samordnare" in page
    # The coordinator, who handles protected identities, sees it.
    page = (
        with_reason(client_for(coordinator), youth)
        .get(reverse("youth:detail", args=[youth.pk]))
        .content.decode()
    )
    assert "Hemlig 1" in page


def test_every_form_page_showing_a_plan_logs_a_read(client_for, coach):
    youth = youth_make(municipality=coach.municipality, coach=coach)
    plan = plan_make(youth, actor=coach, interventions=1)
    intervention = plan.interventions.get()
    client = client_for(coach)
    pages = {
        "ny_plan": reverse("plans:plan_add", args=[youth.pk]),
        "andra_plan": reverse("plans:plan_edit", args=[youth.pk, plan.pk]),
        "insats": reverse("plans:intervention_edit", args=[youth.pk, plan.pk, intervention.pk]),
        "avslutande_samtal": reverse("plans:closing", args=[youth.pk, plan.pk]),
    }
    for detail, url in pages.items():
        before = AuditEvent.objects.filter(action="read", youth_id=youth.pk, detail=detail).count()
        assert client.get(url).status_code == 200
        assert (
            AuditEvent.objects.filter(
                action="read", youth_id=youth.pk, detail=detail, user=coach
            ).count()
            == before + 1
        ), detail


def test_a_fragment_after_a_list_page_is_logged(client_for, coordinator, coach):
    youth = youth_make(municipality=coach.municipality, coach=coach)
    client = client_for(coordinator)
    # A list page named the youth a moment ago: a read, but not of the record.
    AuditEvent.objects.create(
        action="read",
        user=coordinator,
        youth_id=youth.pk,
        municipality_id=coordinator.municipality_id,
        path="/uppsok/",
        detail="arbetsko",
        object_type="youth.youth",
        object_id=str(youth.pk),
    )
    client.get(reverse("plans:youth_tab", args=[youth.pk]))
    assert (
        AuditEvent.objects.filter(
            youth_id=youth.pk, action="read", detail="planer", user=coordinator
        ).count()
        == 1
    )
    # Right after the youth's own page, the fragment adds nothing (one view, one event).
    client.get(reverse("youth:detail", args=[youth.pk]))
    client.get(reverse("plans:youth_tab", args=[youth.pk]))
    assert (
        AuditEvent.objects.filter(
            youth_id=youth.pk, action="read", detail="planer", user=coordinator
        ).count()
        == 1
    )


def test_a_caseload_hand_over_leaves_gallrade_records_alone(coordinator, coach, colleague):
    kept = youth_make(municipality=coach.municipality, coach=coach)
    gone = youth_make(municipality=coach.municipality, coach=coach)
    Youth.objects.filter(pk=gone.pk).update(anonymised_at=timezone.now())
    assert caseload_hand_over(from_coach=coach, to_coach=colleague, actor=coordinator) == 1
    assert Youth.objects.get(pk=kept.pk).coach == colleague
    assert Youth.objects.get(pk=gone.pk).coach == coach
    assert not Assignment.objects.filter(youth=gone, coach=colleague).exists()
