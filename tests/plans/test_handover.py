"""Hand-over packages to a partner: only with a valid consent covering the partner, only the
parts the youth agreed to; kept as a record with its PDF, on the timeline and in the register
extract; access, audit, protected identity and frozen records."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kaa.models import AuditEvent
from plans.models import HandOver, Partner
from records.register_extract.services import extract_context
from tests.factories import consent_make, plan_make, youth_make
from youth.models import Guardian, TimelineEntry, Youth

pytestmark = pytest.mark.django_db


@pytest.fixture
def social(municipality):
    return Partner.objects.create(municipality=municipality, name="IFO Askersund", kind="social")


@pytest.fixture
def school(municipality):
    return Partner.objects.create(municipality=municipality, name="Lindboskolan", kind="school")


def _youth(municipality, coach, **parties):
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Hedda",
        last_name="Hemlund",
        address="Storgatan 7",
        phone="070-7654321",
    )
    plan_make(youth, actor=coach, interventions=1, goal="Komvux till hösten")
    consent_make(youth, actor=coach, **(parties or {"social_services": True}))
    return youth


def _pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def _post(client, youth, **data):
    return client.post(reverse("plans:handover_new", args=[youth.pk]), data)


def test_a_coach_hands_the_agreed_parts_to_a_covered_partner(
    client_for, coach, municipality, social
):
    youth = _youth(municipality, coach)
    client = client_for(coach)
    response = _post(
        client, youth, partner=social.pk, parts=["contact", "plan"], youth_agreed="on"
    )
    hand_over = HandOver.objects.get(youth=youth)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:handover_detail", args=[youth.pk, hand_over.pk])
    assert (hand_over.partner, hand_over.parts, hand_over.handed_by) == (
        social,
        ["contact", "plan"],
        coach,
    )
    assert hand_over.consent.social_services
    assert hand_over.pdf.name.startswith("overlamningar/")

    download = client.get(reverse("plans:handover_pdf", args=[youth.pk, hand_over.pk]))
    assert download.status_code == 200
    text = _pdf_text(b"".join(download.streaming_content))
    for expected in ("Hedda Hemlund", "IFO Askersund", "Storgatan 7", "070-7654321", "Komvux"):
        assert expected in text, expected
    assert "Insatser" not in text  # not a part the youth agreed to

    line = TimelineEntry.objects.get(youth=youth, kind="hand_over")
    assert (
        line.summary == "Överlämning till IFO Askersund: Kontaktuppgifter, Aktuell handlingsplan"
    )
    assert line.actor == coach
    events = AuditEvent.objects.filter(youth_id=youth.pk, object_type="plans.handover")
    assert set(events.values_list("action", "detail")) >= {
        ("create", "contact,plan"),
        ("read", "overlamning.pdf"),
    }
    tab = client.get(reverse("plans:youth_tab", args=[youth.pk])).content.decode()
    assert "IFO Askersund · Kontaktuppgifter, Aktuell handlingsplan" in tab
    detail = client.get(reverse("plans:handover_detail", args=[youth.pk, hand_over.pk]))
    assert "Hämta överlämningspaketet (PDF)" in detail.content.decode()
    assert events.filter(action="read", detail="overlamning").exists()


def test_without_a_valid_consent_the_hand_over_is_refused_with_the_reason(
    client_for, coach, municipality, social
):
    youth = youth_make(municipality=municipality, coach=coach)
    client = client_for(coach)
    page = client.get(reverse("plans:handover_new", args=[youth.pk])).content.decode()
    assert "Ungdomen har inget giltigt samtycke." in page
    assert 'name="parts"' not in page  # no form to fill in
    response = _post(client, youth, partner=social.pk, parts=["plan"], youth_agreed="on")
    assert response.status_code == 400
    assert "Ungdomen har inget giltigt samtycke." in response.content.decode()
    assert not HandOver.objects.exists()
    assert not TimelineEntry.objects.filter(youth=youth, kind="hand_over").exists()


def test_a_partner_the_consent_does_not_cover_is_refused_with_the_reason(
    client_for, coach, municipality, social
):
    youth = _youth(municipality, coach, school=True)
    client = client_for(coach)
    page = client.get(reverse("plans:handover_new", args=[youth.pk])).content.decode()
    assert "IFO Askersund (omfattas inte av samtycket)" in page
    response = _post(client, youth, partner=social.pk, parts=["plan"], youth_agreed="on")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Samtycket omfattar inte socialtjänsten." in body
    # What was chosen stays chosen.
    assert re.search(r'<input[^>]*value="plan"[^>]*checked', body)
    assert re.search(r'<input[^>]*name="youth_agreed"[^>]*checked', body)
    response = _post(client, youth, party_kind="health", parts=["plan"], youth_agreed="on")
    assert "Samtycket omfattar inte hälso- och sjukvården." in response.content.decode()
    assert not HandOver.objects.exists()


def test_parts_and_the_youths_agreement_are_asked_for_never_assumed(
    client_for, coach, municipality, social
):
    youth = _youth(municipality, coach)
    client = client_for(coach)
    page = client.get(reverse("plans:handover_new", args=[youth.pk])).content.decode()
    assert "checked" not in page
    response = _post(client, youth, partner=social.pk, youth_agreed="on")
    assert "Välj minst en del som ska lämnas över." in response.content.decode()
    response = _post(client, youth, partner=social.pk, parts=["interventions"])
    assert "Bekräfta att ungdomen har godkänt innehållet i paketet." in (response.content.decode())
    response = _post(client, youth, parts=["plan"], youth_agreed="on")
    assert "Välj vem paketet lämnas till." in response.content.decode()
    assert not HandOver.objects.exists()


def test_a_named_party_kind_the_consent_covers_may_receive_the_interventions(
    client_for, coach, municipality
):
    youth = _youth(municipality, coach, relative=True, relative_name="Moster Maja")
    client = client_for(coach)
    response = _post(
        client,
        youth,
        party_kind="relative",
        recipient="Farbror Frej",
        parts=["plan"],
        youth_agreed="on",
    )
    assert "Samtycket omfattar inte förälder eller annan anhörig." in response.content.decode()
    response = _post(
        client,
        youth,
        party_kind="relative",
        recipient="Moster Maja",
        parts=["interventions"],
        youth_agreed="on",
    )
    assert response.status_code == 302
    hand_over = HandOver.objects.get()
    assert hand_over.recipient_label == "Förälder eller annan anhörig: Moster Maja"
    text = _pdf_text(hand_over.pdf.read())
    assert "Komma vidare" in text  # the intervention's purpose
    assert "Storgatan 7" not in text
    assert "Komvux" not in text


def test_contact_details_of_a_protected_youth_are_never_handed_over(
    client_for, coach, municipality, social
):
    youth = _youth(municipality, coach)
    Guardian.objects.create(youth=youth, name="Skyddad Förälder", protected_identity=True)
    client = client_for(coach)
    page = client.get(reverse("plans:handover_new", args=[youth.pk])).content.decode()
    assert "kontaktuppgifter lämnas aldrig ut i ett överlämningspaket" in page
    response = _post(
        client, youth, partner=social.pk, parts=["contact", "plan"], youth_agreed="on"
    )
    assert response.status_code == 400
    assert "Ungdomen har skyddade personuppgifter" in response.content.decode()
    assert not HandOver.objects.exists()
    assert _post(client, youth, partner=social.pk, parts=["plan"], youth_agreed="on")["Location"]
    text = _pdf_text(HandOver.objects.get().pdf.read())
    assert "Storgatan 7" not in text
    assert "070-7654321" not in text


def test_access_coach_for_own_coordinator_for_municipality_manager_never(
    client_for,
    coach,
    colleague,
    other_team_coach,
    coordinator,
    manager,
    stranger_coordinator,
    municipality,
    social,
):
    youth = _youth(municipality, coach)
    _post(client_for(coach), youth, partner=social.pk, parts=["plan"], youth_agreed="on")
    hand_over = HandOver.objects.get()
    pdf = reverse("plans:handover_pdf", args=[youth.pk, hand_over.pk])
    new = reverse("plans:handover_new", args=[youth.pk])
    for user in (coach, colleague, coordinator):
        assert client_for(user).get(pdf).status_code == 200, user
        assert client_for(user).get(new).status_code == 200, user
    for user in (other_team_coach, stranger_coordinator, manager):
        assert client_for(user).get(pdf).status_code in (403, 404), user
        response = _post(
            client_for(user), youth, partner=social.pk, parts=["plan"], youth_agreed="on"
        )
        assert response.status_code in (403, 404), user
        assert AuditEvent.objects.filter(user=user, action="denied").exists(), user
    assert HandOver.objects.count() == 1
    # Another youth's id with this hand-over's pk: not found.
    other = youth_make(municipality=municipality, coach=coach)
    wrong = reverse("plans:handover_pdf", args=[other.pk, hand_over.pk])
    assert client_for(coach).get(wrong).status_code == 404


def test_a_restricted_record_gets_no_hand_over(
    client_for, coach, coordinator, municipality, social
):
    youth = _youth(municipality, coach)
    Youth.objects.filter(pk=youth.pk).update(restricted_at=timezone.now())
    data = {"partner": social.pk, "parts": ["plan"], "youth_agreed": "on"}
    assert _post(client_for(coach), youth, **data).status_code == 404  # hidden from coaches
    assert _post(client_for(coordinator), youth, **data).status_code == 403
    assert AuditEvent.objects.filter(
        user=coordinator, action="denied", detail="restricted"
    ).exists()
    assert not HandOver.objects.exists()


def test_the_register_extract_lists_the_hand_over(client_for, coach, municipality, social):
    youth = _youth(municipality, coach)
    _post(
        client_for(coach), youth, partner=social.pk, parts=["contact", "plan"], youth_agreed="on"
    )
    sections = dict(extract_context(youth)["sections"])
    (rows,) = sections["Överlämningar med samtycke"]
    rows = dict(rows)
    assert rows["Samverkanspart"] == "IFO Askersund"
    assert rows["Delar"] == "Kontaktuppgifter, Aktuell handlingsplan"
    assert rows["Typ av part"] == "Socialtjänsten"


def test_the_tab_and_the_form_do_not_grow_with_hand_overs_or_partners(
    client_for, coach, municipality, social, django_assert_max_num_queries
):
    youth = _youth(municipality, coach)
    for n in range(8):
        Partner.objects.create(municipality=municipality, name=f"Part {n}", kind="school")
    client = client_for(coach)
    for parts in (["plan"], ["interventions"], ["contact"]):
        _post(client, youth, partner=social.pk, parts=parts, youth_agreed="on")
    with django_assert_max_num_queries(17):
        tab = client.get(
            reverse("plans:youth_tab", args=[youth.pk]), headers={"HX-Request": "true"}
        ).content.decode()
    assert tab.count("IFO Askersund ·") == 3
    with django_assert_max_num_queries(10):
        form = client.get(reverse("plans:handover_new", args=[youth.pk])).content.decode()
    assert form.count("(omfattas inte av samtycket)") == 8


def test_gallring_deletes_the_hand_over_and_its_pdf_with_the_youths_records(
    client_for, coach, municipality, social, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from plans.models import Consent
    from records.retention import services as retention

    youth = _youth(municipality, coach)
    _post(client_for(coach), youth, partner=social.pk, parts=["plan"], youth_agreed="on")
    name = HandOver.objects.get().pdf.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        retention._delete_consents(Consent.objects.filter(youth=youth))
    assert not HandOver.objects.exists()
    assert not default_storage.exists(name)
    assert not Consent.objects.filter(youth=youth).exists()
