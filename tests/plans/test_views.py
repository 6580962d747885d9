"""The plans pages: forms keep input on bad data, access on POSTs and files, the queue,
query counts that do not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from outreach.models import Task
from plans.catalogue.services import catalogue_ensure
from plans.models import ActionPlan, Consent, Intervention, InterventionType, Partner
from tests.factories import consent_make, occupation_type, plan_make, youth_make

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _iso(days: int = 0) -> str:
    return (TODAY() + dt.timedelta(days=days)).isoformat()


def test_consent_form_keeps_input_and_explains(client_for, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach)  # 17: guardian needed
    url = reverse("plans:consent_add", args=[youth.pk])
    response = client_for(coach).post(
        url,
        {
            "given_on": _iso(),
            "place": "Askersund",
            "by_youth": "on",
            "school": "on",
            "relative": "on",
            "relative_name": "Moster Stina",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "vårdnadshavaren måste också samtycka" in body
    assert 'value="Moster Stina"' in body
    assert not Consent.objects.exists()


def test_plan_without_consent_says_why(client_for, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach)
    url = reverse("plans:plan_add", args=[youth.pk])
    page = client_for(coach).get(url).content.decode()
    assert "inget giltigt samtycke" in page
    response = client_for(coach).post(
        url,
        {
            "case_worker": coach.pk,
            "goal": "Mitt mål är komvux",
            "start_date": _iso(),
            "next_follow_up": _iso(30),
        },
    )
    body = response.content.decode()
    assert "Registrera samtycket först" in body
    assert "Mitt mål är komvux" in body
    assert not ActionPlan.objects.exists()


def test_intervention_ending_before_start_keeps_values(client_for, coach, municipality):
    plan = plan_make(youth_make(municipality=municipality, coach=coach), actor=coach)
    catalogue_ensure(municipality)
    kind = InterventionType.objects.filter(municipality=municipality).first()
    response = client_for(coach).post(
        reverse("plans:intervention_add", args=[plan.youth_id, plan.pk]),
        {
            "type": kind.pk,
            "purpose": "Prova på snickeri",
            "responsible": "municipality",
            "actual_start": _iso(-2),
            "actual_end": _iso(-5),
            "end_reason": "completed",
        },
    )
    body = response.content.decode()
    assert "Insatsen kan inte sluta innan den har börjat" in body
    assert 'value="Prova på snickeri"' in body
    assert not Intervention.objects.exists()


def test_upload_that_is_not_a_scan_is_refused(client_for, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach)
    consent = consent_make(youth, actor=coach)
    url = reverse("plans:consent_paper", args=[youth.pk, consent.pk])
    exe = SimpleUploadedFile("blankett.pdf", b"MZ\x90\x00\x03", "application/pdf")
    response = client_for(coach).post(url, {"on": _iso(), "scan": exe})
    assert response.status_code == 400
    assert "måste vara en PDF eller en bild" in response.content.decode()
    consent.refresh_from_db()
    assert consent.paper_received_on is None


def test_scan_download_is_checked_and_audited(
    client_for, coach, other_team_coach, municipality, settings, tmp_path
):
    youth = youth_make(municipality=municipality, coach=coach)
    consent = consent_make(youth, actor=coach)
    client_for(coach).post(
        reverse("plans:consent_paper", args=[youth.pk, consent.pk]),
        {
            "on": _iso(),
            "version": consent.version,
            "scan": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n0000", "image/png"),
        },
    )
    url = reverse("plans:consent_scan", args=[youth.pk, consent.pk])
    assert client_for(other_team_coach).get(url).status_code == 404
    response = client_for(coach).get(url)
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(
        user=coach, youth_id=youth.pk, detail="samtycke.skanning"
    ).exists()


def test_revoke_by_a_stranger_is_refused(
    client_for, coach, other_team_coach, manager, municipality
):
    youth = youth_make(municipality=municipality, coach=coach)
    consent = consent_make(youth, actor=coach)
    url = reverse("plans:consent_revoke", args=[youth.pk, consent.pk])
    assert client_for(other_team_coach).post(url, {"on": _iso()}).status_code == 404
    assert client_for(manager).post(url, {"on": _iso()}).status_code == 404
    consent.refresh_from_db()
    assert consent.ended_on is None
    response = client_for(coach).post(
        url, {"on": _iso(), "note": "ångrade sig", "version": consent.version}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.end_kind == "revoked"


def test_plan_follow_up_shows_in_queue_and_leads_to_the_plan(client_for, coach, municipality):
    plan = plan_make(
        youth_make(municipality=municipality, coach=coach), actor=coach, next_follow_up=TODAY()
    )
    client = client_for(coach)
    queue = client.get(reverse("outreach:queue") + "?vy=mina").content.decode()
    follow_url = reverse("plans:follow_up", args=[plan.youth_id, plan.pk])
    assert "Uppföljning av handlingsplan" in queue
    assert follow_url in queue
    task = Task.objects.get(ref=f"plan:{plan.pk}")
    response = client.post(
        reverse("outreach:task_outcome", args=[task.pk]), {"outcome": "no_answer"}
    )
    assert response["Location"] == follow_url
    response = client.post(
        follow_url, {"held_on": _iso(), "note": "Trivs på praktiken", "next_date": _iso(30)}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
    assert Task.objects.get(
        ref=f"plan:{plan.pk}", status="open"
    ).due_date == TODAY() + dt.timedelta(days=30)


def test_youth_tab_queries_do_not_grow(
    client_for, coach, municipality, django_assert_max_num_queries
):
    youth = youth_make(municipality=municipality, coach=coach)
    plan_make(youth, actor=coach, interventions=5)
    client = client_for(coach)
    url = reverse("plans:youth_tab", args=[youth.pk])
    with django_assert_max_num_queries(16):
        body = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "KAA-plan" in body
    assert "Körkortsteori" not in body or "Busskort" not in body


def test_overdue_list_queries_do_not_grow(
    client_for, coordinator, coach, municipality, django_assert_max_num_queries
):
    for _ in range(12):
        plan = plan_make(youth_make(municipality=municipality, coach=coach), actor=coach)
        ActionPlan.objects.filter(pk=plan.pk).update(next_follow_up=_iso(-3))
    client = client_for(coordinator)
    with django_assert_max_num_queries(14):
        body = client.get(reverse("plans:overdue")).content.decode()
    assert body.count("försenad</span>") == 12


def test_meeting_flow_names_only_covered_youths(client_for, coordinator, coach, municipality):
    school = Partner.objects.create(municipality=municipality, name="Lindboskolan", kind="school")
    covered = youth_make(municipality=municipality, coach=coach, last_name="Täcksson")
    consent_make(covered, actor=coach, school=True)
    youth_make(municipality=municipality, coach=coach, last_name="Ejsson")
    client = client_for(coordinator)
    url = reverse("plans:meeting_new")
    page = client.get(url, {"held_on": _iso(), "partners": school.pk}).content.decode()
    assert "Täcksson" in page
    assert "Ejsson" not in page
    response = client.post(
        url,
        {
            "held_on": _iso(),
            "partners": school.pk,
            "youth": [covered.pk],
            "agenda": "Läget i kommunen",
        },
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Täcksson" in detail
    assert "Ej nådda: 1" in detail


def test_catalogue_is_for_coordinators(client_for, coordinator, coach, municipality):
    assert client_for(coach).get(reverse("plans:catalogue")).status_code == 403
    client = client_for(coordinator)
    assert "Studie- och yrkesvägledning" in client.get(reverse("plans:catalogue")).content.decode()
    response = client.post(
        reverse("plans:catalogue_add"),
        {
            "name": "Sommarjobb",
            "measure_code": "ARBETSMARKNAD",
            "is_active": "on",
            "sort_order": 5,
        },
    )
    assert response.status_code == 302
    assert InterventionType.objects.get(name="Sommarjobb").municipality == municipality
    response = client.post(
        reverse("plans:catalogue_add"),
        {"name": "Sommarjobb", "measure_code": "ANNAN", "sort_order": 5},
    )
    assert "Det finns redan" in response.content.decode()


def test_preventive_case_page(client_for, coordinator, municipality):
    # A coordinator opens the case at once; a coach's report of a student outside their
    # cases goes to the coordinators (tests/plans/test_preventive_report.py).
    from demo.youths import personnummer_for

    today = TODAY()
    number = personnummer_for(today.replace(year=today.year - 17), 5151)
    response = client_for(coordinator).post(
        reverse("plans:preventive_new"),
        {
            "personnummer": number,
            "first_name": "Elin",
            "last_name": "Skolsson",
            "school": "Lindboskolan",
            "reported_on": _iso(),
        },
    )
    assert response.status_code == 302
    page = client_for(coordinator).get(response["Location"]).content.decode()
    assert "Skolsson" in page
    tab = client_for(coordinator).get(
        reverse("plans:youth_tab", args=[int(response["Location"].strip("/").split("/")[-1])])
    )
    assert "förebyggande" not in tab.content.decode() or "samtycke" in tab.content.decode()


def test_conversation_page_records_and_shows(client_for, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach)
    response = client_for(coach).post(
        reverse("plans:conversation_add", args=[youth.pk]),
        {
            "held_on": _iso(),
            "conducted_by": coach.pk,
            "school_status": "dropped_out",
            "occupation_type": occupation_type("SAKNAR").pk,
            "future_thoughts": "Bli elektriker",
            "would_study_again": "maybe",
        },
    )
    assert response.status_code == 302
    tab = client_for(coach).get(reverse("plans:youth_tab", args=[youth.pk])).content.decode()
    assert "Har avbrutit studierna" in tab


def test_youth_tab_offers_follow_up_not_a_second_plan(client_for, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach)
    client = client_for(coach)
    consent_make(youth, actor=coach)
    tab = client.get(reverse("plans:youth_tab", args=[youth.pk])).content.decode()
    assert reverse("plans:plan_add", args=[youth.pk]) in tab
    plan = plan_make(youth, actor=coach)
    tab = client.get(reverse("plans:youth_tab", args=[youth.pk])).content.decode()
    assert reverse("plans:plan_add", args=[youth.pk]) not in tab
    assert reverse("plans:follow_up", args=[youth.pk, plan.pk]) in tab


def test_closing_form_assumes_no_answer_and_asks_what_ends_each_intervention(
    client_for, coach, municipality
):
    youth = youth_make(municipality=municipality, coach=coach)
    plan = plan_make(youth, actor=coach, interventions=1)
    running = plan.interventions.get()
    url = reverse("plans:closing", args=[youth.pk, plan.pk])
    client = client_for(coach)
    page = client.get(url).content.decode()
    assert 'name="would_recommend"' in page
    assert " checked" not in page  # no radio of the evaluation is pre-ticked
    assert f'name="slut_{running.pk}"' in page
    answers = {
        "held_on": _iso(),
        "destination": occupation_type("KOMVUX").pk,
        "q_helped": 4,
        "q_respected": 5,
        "q_involved": 4,
        "q_next_step_clear": 4,
        "comment": "Bra stöd",
    }
    refused = client.post(url, answers)
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "error-summary" in body
    assert "Jag skulle rekommendera KAA till en kompis" in body
    assert "Bra stöd" in body  # nothing typed is lost
    assert ActionPlan.objects.get(pk=plan.pk).status == "active"

    saved = client.post(url, {**answers, "would_recommend": "False", f"slut_{running.pk}": "work"})
    assert saved.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.closing.would_recommend) == ("closed", False)
    assert Intervention.objects.get(pk=running.pk).end_reason == "work"
    # The form is closed with the plan.
    again = client.get(url)
    assert again.status_code == 302
    assert again.url.endswith(f"/{plan.pk}/")
    assert client.post(url, {**answers, "would_recommend": "True"}).status_code == 302
    assert ActionPlan.objects.get(pk=plan.pk).closing.would_recommend is False
