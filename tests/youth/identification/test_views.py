"""The coordinators' identification page: upload, run now, review, approve, reject."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from youth.identification import deliveries, services
from youth.identification.models import PopulationRecord, Proposal, SourceDelivery
from youth.models import KaaPeriod, Youth

from .files import ENROLMENT_HEADER, born_aged, navet, pnr, post

TODAY = timezone.localdate()
QUEUE = reverse("youth:identification:queue")


def _upload(client, content: bytes, name: str, kind: str = "population", **data):
    return client.post(
        reverse("youth:identification:source_upload"),
        {"kind": kind, "file": SimpleUploadedFile(name, content), **data},
    )


@pytest.fixture
def proposal(municipality):
    deliveries.population_store(
        municipality=municipality,
        filename="navet.xml",
        actor=None,
        stream=io.BytesIO(
            navet(
                post(
                    pnr(born_aged(17, TODAY)), first="Nils", last="Holm", guardians=("Vera Holm",)
                )
            )
        ),
    )
    run = services.run_identification(municipality=municipality, on=TODAY, actor=None)
    return run.proposals.get()


def test_the_coordinator_uploads_runs_and_sees_the_queue(client_for, coordinator):
    client = client_for(coordinator)
    number = pnr(born_aged(17, TODAY))
    response = _upload(client, navet(post(number, first="Nils", last="Holm")), "navet.xml")
    assert response.status_code == 302
    assert PopulationRecord.objects.filter(personnummer=number).exists()
    response = _upload(
        client,
        f"{ENROLMENT_HEADER}\n{number};1;KOMVUX;;2026-01-10;;N\n".encode(),
        "komvux.csv",
        kind="enrolment",
        source_name="Komvux",
    )
    assert response.status_code == 302
    client.post(reverse("youth:identification:run_now"))
    page = client.get(QUEUE).content.decode()
    assert "Holm, Nils" in page
    assert "Komvux" in page
    assert "Folkbokföring: Navet" in page
    assert AuditEvent.objects.filter(
        user=coordinator, object_type="youth.proposal", action="read", detail="identifiering"
    ).exists()


def test_an_unreadable_upload_is_refused_with_a_message_and_keeps_the_input(
    client_for, coordinator
):
    client = client_for(coordinator)
    response = _upload(
        client, b"namn;datum\nx;y\n", "examina.csv", kind="completion", source_name="Alléskolan"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Filen saknar kolumnerna personnummer, typ." in page
    assert 'value="Alléskolan"' in page
    response = _upload(client, b"<Navetavisering><Folk", "navet.xml")
    assert "XML-filen kunde inte läsas" in response.content.decode()
    assert not SourceDelivery.objects.exists()


def test_an_enrolment_file_needs_its_source_named(client_for, coordinator):
    response = _upload(client_for(coordinator), b"x", "lista.csv", kind="enrolment")
    assert response.status_code == 400
    assert "Ange vilken källa" in response.content.decode()


def test_run_now_without_population_says_so(client_for, coordinator):
    response = client_for(coordinator).post(reverse("youth:identification:run_now"), follow=True)
    assert "Ingen folkbokföring har lästs in" in response.content.decode()


def test_the_evidence_is_shown_side_by_side(client_for, coordinator, proposal):
    page = (
        client_for(coordinator)
        .get(reverse("youth:identification:proposal_detail", args=[proposal.pk]))
        .content.decode()
    )
    assert "I registret" in page
    assert "Enligt källorna" in page
    assert "Personen finns inte i registret." in page
    assert "Vera Holm" in page
    assert "navet.xml" in page
    assert AuditEvent.objects.filter(
        user=coordinator, object_id=str(proposal.pk), detail="identifiering:underlag"
    ).exists()


def test_bulk_approve_registers_the_youth(client_for, coordinator, proposal):
    response = client_for(coordinator).post(
        reverse("youth:identification:proposals_approve"), {"proposals": [proposal.pk]}
    )
    assert response.status_code == 302
    youth = Youth.objects.get(personnummer=proposal.personnummer)
    assert KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).exists()
    assert youth.created_by == coordinator


def test_reject_with_a_reason(client_for, coordinator, proposal):
    url = reverse("youth:identification:proposal_detail", args=[proposal.pk])
    client = client_for(coordinator)
    assert client.post(url, {"rejection": ""}).status_code == 400
    client.post(url, {"rejection": "in_error", "note": "Dubblett"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.rejection, proposal.rejection_note) == (
        "rejected",
        "in_error",
        "Dubblett",
    )


def test_another_municipality_cannot_approve_or_read(client_for, stranger_coordinator, proposal):
    client = client_for(stranger_coordinator)
    client.post(reverse("youth:identification:proposals_approve"), {"proposals": [proposal.pk]})
    proposal.refresh_from_db()
    assert proposal.status == "open"
    assert not Youth.objects.filter(personnummer=proposal.personnummer).exists()
    response = client.get(reverse("youth:identification:proposal_detail", args=[proposal.pk]))
    assert response.status_code == 404
    response = client.post(
        reverse("youth:identification:proposal_detail", args=[proposal.pk]),
        {"rejection": "in_error"},
    )
    assert response.status_code == 404
    assert Proposal.objects.get(pk=proposal.pk).status == "open"


@pytest.mark.parametrize("persona", ["coach", "manager", "admin_user"])
def test_only_coordinators_reach_the_page(request, client_for, persona, proposal):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(QUEUE).status_code == 403
    assert client.post(reverse("youth:identification:run_now")).status_code == 403
    assert (
        client.post(
            reverse("youth:identification:proposals_approve"), {"proposals": [proposal.pk]}
        ).status_code
        == 403
    )
    assert Proposal.objects.get(pk=proposal.pk).status == "open"
