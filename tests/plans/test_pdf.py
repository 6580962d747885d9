"""The consent form and the action plan as PDFs: their text (extracted), access, audit."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kaa.models import AuditEvent
from plans.actionplans.services import intervention_save
from tests.factories import consent_make, plan_make, youth_make
from youth.models import Guardian

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_consent_pdf_mirrors_the_paper_form(client_for, coach, municipality):
    youth = youth_make(
        municipality=municipality, coach=coach, first_name="Saga", last_name="Samtyckesson"
    )
    Guardian.objects.create(youth=youth, name="Gun Förälder")
    consent = consent_make(youth, actor=coach, school=True, social_services=True)
    response = client_for(coach).get(reverse("plans:consent_pdf", args=[youth.pk, consent.pk]))
    text = _text(response)
    for expected in (
        "Saga Samtyckesson",
        youth.personnummer_formatted,
        "Socialtjänsten",
        "Arbetsförmedlingen",
        "Gun Förälder",
        "Askersund",
        "underskrift",
    ):
        assert expected in text, expected
    assert AuditEvent.objects.filter(user=coach, youth_id=youth.pk, detail="samtycke.pdf").exists()


def test_plan_pdf_has_goal_interventions_and_signature_lines(client_for, coach, municipality):
    youth = youth_make(
        municipality=municipality, coach=coach, first_name="Pelle", last_name="Plansson"
    )
    plan = plan_make(youth, actor=coach, interventions=2, goal="Komvux i januari")
    first = plan.interventions.first()
    intervention_save(
        plan=plan,
        actor=coach,
        type=first.type,
        declined=True,
        declined_reason="Vill inte åka buss",
    )
    response = client_for(coach).get(reverse("plans:plan_pdf", args=[youth.pk, plan.pk]))
    text = _text(response)
    for expected in (
        "Pelle Plansson",
        "Komvux i januari",
        first.type.name,
        "Vill inte åka buss",
        "Ungdomens underskrift",
        "Vårdnadshavares underskrift",
        coach.get_full_name(),
    ):
        assert expected in text, expected


def test_pdfs_are_refused_to_strangers(client_for, coach, other_team_coach, manager, municipality):
    youth = youth_make(municipality=municipality, coach=coach)
    plan = plan_make(youth, actor=coach)
    for url in (
        reverse("plans:plan_pdf", args=[youth.pk, plan.pk]),
        reverse("plans:consent_pdf", args=[youth.pk, plan.consent_id]),
    ):
        for user in (other_team_coach, manager):
            response = client_for(user).get(url)
            assert response.status_code == 404
            assert b"%PDF" not in response.content
