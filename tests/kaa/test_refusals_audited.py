"""Every refusal leaves a trace: a request naming an object the user may not reach (another
youth's period, extract, note, task or intervention, another user's session), alone or among
allowed ids in a bulk request, writes one `denied` audit event naming that object and changes
nothing of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent, UserSession
from outreach.models import ContactAttempt, Task
from plans.models import PlanFollowUp
from tests.factories import TaskFactory, occupation_type, plan_make, reason, youth_make
from youth.data_protection.services import restriction_set
from youth.models import Note
from youth.notes.services import note_add

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _denied(user, obj) -> AuditEvent:
    """The one denial of `user` that names `obj`."""
    events = AuditEvent.objects.filter(
        action="denied", user=user, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )
    written = AuditEvent.objects.filter(action="denied").values_list(
        "object_type", "object_id", "detail"
    )
    assert events.count() == 1, (
        f"expected one denied event naming {obj._meta.label_lower} {obj.pk}, got {list(written)}"
    )
    event = events.get()
    assert event.flagged  # every refusal is listed in the log review, bulk ones too
    return event


def _postcard(youth) -> Task:
    return TaskFactory(youth=youth, title="Vykort", channel="postcard")


def test_another_youth_s_period_cannot_be_corrected_through_this_youth(
    client_for, coordinator, stranger_coordinator, municipality, other_municipality
):
    mine = youth_make(municipality=municipality)
    theirs = youth_make(municipality=other_municipality)
    period = theirs.periods.get()
    url = reverse("youth:period_edit", args=[mine.pk, period.pk])
    response = client_for(coordinator).post(
        url,
        {
            "start_date": (period.start_date - dt.timedelta(days=5)).isoformat(),
            "registration_reason": reason("STUDIEBEVIS").pk,
        },
    )
    assert response.status_code == 404
    _denied(coordinator, period)
    fresh = theirs.periods.get()
    assert (fresh.start_date, fresh.registration_reason_id) == (
        period.start_date,
        period.registration_reason_id,
    )


def test_another_youth_s_register_extract_is_not_handed_out(
    client_for, coordinator, stranger_coordinator, municipality, other_municipality
):
    from records.register_extract.models import RegisterExtract
    from records.register_extract.services import extract_order

    mine = youth_make(municipality=municipality)
    theirs = youth_make(municipality=other_municipality)
    extract = extract_order(
        youth=theirs, actor=stranger_coordinator, received_on=TODAY(), key=None
    )
    RegisterExtract.objects.filter(pk=extract.pk).update(
        file="registerutdrag/x.pdf", built_at=timezone.now()
    )
    url = reverse("records:extract_download", args=[mine.pk, extract.pk])
    response = client_for(coordinator).get(url)
    assert response.status_code == 404
    _denied(coordinator, extract)
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_foreign_note_cannot_be_edited_through_this_youth(
    client_for, coach, other_team_coach, municipality
):
    mine = youth_make(municipality=municipality, coach=coach)
    theirs = youth_make(municipality=municipality, coach=other_team_coach)
    note = note_add(youth=theirs, author=other_team_coach, text="Deras anteckning")
    url = reverse("youth:note_edit", args=[mine.pk, note.pk])
    client = client_for(coach)
    page = client.get(url)
    assert "Deras anteckning" not in page.content.decode()
    client.post(url, {"text": "Skrivet över"})
    assert (
        AuditEvent.objects.filter(
            action="denied", user=coach, object_type="youth.note", object_id=str(note.pk)
        ).count()
        == 2
    )
    note.refresh_from_db()
    assert note.text == "Deras anteckning"
    assert not Note.objects.filter(text="Skrivet över").exists()


def test_a_correction_of_a_foreign_note_is_refused(
    client_for, coach, other_team_coach, municipality
):
    mine = youth_make(municipality=municipality, coach=coach)
    theirs = youth_make(municipality=municipality, coach=other_team_coach)
    note = note_add(youth=theirs, author=other_team_coach, text="Deras anteckning")
    response = client_for(coach).post(
        reverse("youth:note_add", args=[mine.pk]),
        {"text": "Rättelse", "corrects": note.pk},
        follow=True,
    )
    _denied(coach, note)
    assert not Note.objects.filter(text="Rättelse").exists()
    assert not Note.objects.filter(corrects=note).exists()
    assert "sparades inte" in response.content.decode()


def test_bulk_assignment_audits_each_id_it_leaves_out(
    client_for, coordinator, coach, municipality, other_municipality
):
    mine = youth_make(municipality=municipality)
    foreign = youth_make(municipality=other_municipality)
    frozen = youth_make(municipality=municipality)
    restriction_set(youth=frozen, actor=coordinator, reason="Bestrider", received_on=TODAY())
    client_for(coordinator).post(
        reverse("youth:assign_bulk"),
        {"youth": [mine.pk, foreign.pk, frozen.pk], "coach": coach.pk},
    )
    mine.refresh_from_db()
    foreign.refresh_from_db()
    frozen.refresh_from_db()
    assert mine.coach == coach
    assert foreign.coach is None
    assert frozen.coach is None
    _denied(coordinator, foreign)
    assert _denied(coordinator, frozen).detail == "restricted"
    assert not AuditEvent.objects.filter(action="denied", object_id=str(mine.pk)).exists()


def test_bulk_done_audits_each_foreign_task(client_for, coach, other_team_coach, municipality):
    mine = _postcard(youth_make(municipality=municipality, coach=coach))
    foreign = _postcard(youth_make(municipality=municipality, coach=other_team_coach))
    client_for(coach).post(reverse("outreach:tasks_bulk_done"), {"task": [mine.pk, foreign.pk]})
    mine.refresh_from_db()
    foreign.refresh_from_db()
    assert (mine.status, foreign.status) == ("done", "open")
    _denied(coach, foreign)
    assert not ContactAttempt.objects.filter(youth_id=foreign.youth_id).exists()
    # A task left out for its own state (a call, done already) is not a refusal.
    call = Task.objects.create(youth=mine.youth, title="Samtal", channel="phone", due_date=TODAY())
    client_for(coach).post(reverse("outreach:tasks_bulk_done"), {"task": [call.pk, mine.pk]})
    assert not AuditEvent.objects.filter(
        action="denied", object_id__in=[str(call.pk), str(mine.pk)], object_type="outreach.task"
    ).exists()


def test_ending_another_user_s_session_is_audited(client_for, coach, colleague):
    mine, theirs = client_for(coach), client_for(colleague)
    their_row = UserSession.objects.get(user=colleague)
    mine.post(reverse("kaa:session_end"), {"id": their_row.pk})
    assert theirs.get(reverse("kaa:account")).status_code == 200
    assert UserSession.objects.filter(pk=their_row.pk).exists()
    _denied(coach, their_row)


def test_a_follow_up_of_another_plan_s_intervention_is_refused(
    client_for, coach, other_team_coach, municipality
):
    plan = plan_make(
        youth_make(municipality=municipality, coach=coach), actor=coach, interventions=1
    )
    other_plan = plan_make(
        youth_make(municipality=municipality, coach=other_team_coach),
        actor=other_team_coach,
        interventions=1,
    )
    foreign = other_plan.interventions.get()
    url = reverse("plans:follow_up", args=[plan.youth_id, plan.pk]) + f"?insats={foreign.pk}"
    response = client_for(coach).post(
        url,
        {
            "held_on": TODAY().isoformat(),
            "note": "Går bra",
            "next_date": (TODAY() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 404
    _denied(coach, foreign)
    assert not PlanFollowUp.objects.exists()


def test_reached_with_another_youth_s_task_is_refused(
    client_for, coach, other_team_coach, municipality
):
    mine = youth_make(municipality=municipality, coach=coach)
    foreign = _postcard(youth_make(municipality=municipality, coach=other_team_coach))
    url = reverse("outreach:reached", args=[mine.pk]) + f"?uppgift={foreign.pk}"
    response = client_for(coach).post(
        url,
        {"channel": "phone", "occupation_type": occupation_type("SAKNAR").pk, "next_step": "none"},
    )
    assert response.status_code == 404
    _denied(coach, foreign)
    foreign.refresh_from_db()
    assert foreign.status == "open"
    assert not ContactAttempt.objects.filter(youth=mine).exists()


def test_an_action_the_data_protection_page_does_not_offer_is_refused_and_audited(
    client_for, coordinator, municipality
):
    youth = youth_make(municipality=municipality)
    url = reverse("youth:data_protection", args=[youth.pk])
    response = client_for(coordinator).post(url, {"action": "erase_everything"})
    assert response.status_code == 403
    denied = AuditEvent.objects.filter(action="denied", user=coordinator)
    assert list(denied.values_list("detail", flat=True)) == ["action"]
    youth.refresh_from_db()
    assert youth.restricted_at is None
