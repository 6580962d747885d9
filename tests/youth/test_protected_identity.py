"""Protected identity: nothing that can locate the youth reaches anyone but a coordinator who
stated a reason for that youth, on any page, form, PDF, export, list or message preview; and
a guardian's protection covers the youth's address too."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from kaa.models import AuditEvent
from outreach.eservice.services import access_code_for, submission_save
from outreach.models import EserviceSubmission, MessageTemplate
from plans.consent.services import consent_record
from plans.conversations.services import conversation_record
from plans.models import MappingConversation
from tests.factories import occupation_type, plan_make, with_reason, youth_make
from youth.models import Guardian
from youth.register.services import guardian_add, occupation_record

pytestmark = pytest.mark.django_db

PLACEHOLDER = "Skyddade personuppgifter – kontakta ansvarig samordnare"
YOUTH = {
    "address": "Hemliga vägen 1",
    "postal_code": "987 65",
    "city": "Gömstad",
    "phone": "070-111 22 33",
    "phone_alt": "070-999 88 77",
    "email": "hemlig@example.se",
    "former_school": "Dolda gymnasiet",
}
GUARDIAN = {
    "phone": "070-555 44 33",
    "email": "vh@example.se",
    "address": "Vårdnadsgatan 2",
    "postal_code": "987 66",
    "city": "Skyddsby",
}
ELSEWHERE = {
    "occupation": "Bageriet vid torget",
    "school_name": "Gömda skolan",
    "place": "Undanby",
    "moved_to": "Flyttorp",
    "contact_detail": "070-777 66 55",
}
SECRETS = [*YOUTH.values(), *GUARDIAN.values(), *ELSEWHERE.values()]


def _leaks(text: str) -> list[str]:
    return [value for value in SECRETS if value in text]


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _with_everything(youth, coach):
    """The youth's record with a value in every place where a location can be written."""
    today = timezone.localdate()
    guardian_add(youth=youth, actor=coach, name="Vera Vårdnadshavare", **GUARDIAN)
    occupation_record(
        youth=youth,
        type=occupation_type("ARBETE"),
        start_date=today,
        source="contact",
        actor=coach,
        description=ELSEWHERE["occupation"],
    )
    conversation_record(
        youth=youth,
        actor=coach,
        held_on=today,
        conducted_by=coach,
        school_status="dropped_out",
        school_name=ELSEWHERE["school_name"],
        occupation_type=occupation_type("ARBETE"),
    )
    consent = consent_record(
        youth=youth,
        actor=coach,
        given_on=today,
        place=ELSEWHERE["place"],
        guardian=Guardian.objects.get(youth=youth),
        school=True,
    )
    plan = plan_make(youth, actor=coach)
    submission_save(
        code=access_code_for(youth),
        data={
            "activity": "studying",
            "school": ELSEWHERE["school_name"],
            "wants_contact": True,
            "contact_way": "phone",
            "contact_detail": ELSEWHERE["contact_detail"],
            "has_moved": True,
            "moved_to": ELSEWHERE["moved_to"],
        },
    )
    MessageTemplate.objects.create(
        municipality=youth.municipality,
        kind="sms",
        name="Hej",
        body="Hej {fornamn}! Vi skickar till {adress}, {postnummer} {postort}.",
    )
    return consent, plan


def _pages(youth, consent, plan):
    sub = EserviceSubmission.objects.get(youth=youth)
    conversation = MappingConversation.objects.get(youth=youth)
    return [
        reverse("youth:detail", args=[youth.pk]),
        reverse("youth:edit", args=[youth.pk]),
        reverse("outreach:youth_tab", args=[youth.pk]),
        reverse("plans:youth_tab", args=[youth.pk]),
        reverse("plans:conversation_detail", args=[youth.pk, conversation.pk]),
        reverse("plans:consent_detail", args=[youth.pk, consent.pk]),
        reverse("plans:plan_detail", args=[youth.pk, plan.pk]),
        reverse("plans:revisions", args=[youth.pk, plan.pk]),
        reverse("outreach:eservice_review", args=[sub.pk]),
        reverse("outreach:message_send", args=[youth.pk]),
    ]


@pytest.fixture
def protected(municipality, coach):
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        protected_identity=True,
        last_name="Skyddad",
        birth_date=timezone.localdate().replace(year=timezone.localdate().year - 18)
        - dt.timedelta(days=30),
        **YOUTH,
    )
    consent, plan = _with_everything(youth, coach)
    return youth, consent, plan


def test_a_coach_sees_nothing_that_locates_a_protected_youth_in_the_caseload(
    client_for, coach, protected
):
    youth, consent, plan = protected
    client = with_reason(client_for(coach), youth)  # even after stating a reason
    for url in _pages(youth, consent, plan):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert youth.last_name in body or "Skyddad" in body, url
        assert _leaks(body) == [], url
    detail = client.get(reverse("youth:detail", args=[youth.pk])).content.decode()
    assert PLACEHOLDER in detail


def test_a_coach_gets_no_location_from_the_plan_and_consent_pdfs(client_for, coach, protected):
    youth, consent, plan = protected
    client = with_reason(client_for(coach), youth)
    for url in (
        reverse("plans:plan_pdf", args=[youth.pk, plan.pk]),
        reverse("plans:consent_pdf", args=[youth.pk, consent.pk]),
    ):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf"
        text = _pdf_text(response.content)
        assert youth.first_name in text
        assert _leaks(text) == [], url
        assert "Skyddade personuppgifter" in text


def test_the_coordinator_sees_the_location_only_after_stating_a_reason(
    client_for, coordinator, coach, protected
):
    youth, consent, plan = protected
    client = client_for(coordinator)
    assert client.get(reverse("youth:detail", args=[youth.pk])).status_code == 302
    with_reason(client, youth)
    body = client.get(reverse("youth:detail", args=[youth.pk])).content.decode()
    for value in (*YOUTH.values(), GUARDIAN["address"], ELSEWHERE["occupation"]):
        assert value in body
    form = client.get(reverse("youth:edit", args=[youth.pk])).content.decode()
    assert YOUTH["phone"] in form
    text = _pdf_text(client.get(reverse("plans:plan_pdf", args=[youth.pk, plan.pk])).content)
    assert YOUTH["phone"] in text


def test_a_coach_cannot_change_what_the_form_does_not_show(client_for, coach, protected):
    youth, _consent, _plan = protected
    client = with_reason(client_for(coach), youth)
    url = reverse("youth:edit", args=[youth.pk])
    page = client.get(url).content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.post(
        url,
        {
            "first_name": youth.first_name,
            "last_name": "Nytt",
            "phone": "",
            "email": "",
            "address": "",
            "version": version,
        },
    )
    assert response.status_code == 302
    youth.refresh_from_db()
    assert (youth.last_name, youth.phone, youth.email, youth.address) == (
        "Nytt",
        YOUTH["phone"],
        YOUTH["email"],
        YOUTH["address"],
    )


@pytest.fixture
def guarded(municipality, coach, coordinator):
    """A youth without protection of their own whose guardian has protected identity."""
    youth = youth_make(municipality=municipality, coach=coach, last_name="Vaktad", **YOUTH)
    guardian_add(
        youth=youth, actor=coordinator, name="Gunnel Skyddad", protected_identity=True, **GUARDIAN
    )
    return youth


def test_a_protected_guardian_protects_the_youths_address(client_for, coach, coordinator, guarded):
    url = reverse("youth:detail", args=[guarded.pk])
    coach_page = client_for(coach).get(url).content.decode()
    assert "Vaktad" in coach_page
    assert PLACEHOLDER in coach_page
    assert _leaks(coach_page) == []
    coordinator_client = client_for(coordinator)
    page = coordinator_client.get(url).content.decode()
    assert _leaks(page) == []
    reason_link = reverse("youth:reason", args=[guarded.pk])
    assert reason_link in page
    with_reason(coordinator_client, guarded)
    assert YOUTH["address"] in coordinator_client.get(url).content.decode()
    assert (
        AuditEvent.objects.filter(
            youth_id=guarded.pk, flagged=True, detail__contains="skäl"
        ).count()
        == 1
    )


def test_a_protected_guardian_withholds_corrections_and_the_register_extract(
    client_for, coordinator, guarded
):
    from records.register_extract.services import extract_context
    from youth.register.services import youth_contact_update

    youth_contact_update(youth=guarded, actor=coordinator, address="Nya gränd 3")
    page = (
        client_for(coordinator)
        .get(reverse("youth:data_protection", args=[guarded.pk]))
        .content.decode()
    )
    assert "Rättelser" in page
    assert _leaks(page) == []
    assert "Nya gränd 3" not in page
    context = extract_context(guarded)
    assert context["address_withheld"]
    labels = [label for label, _text in context["youth_rows"]]
    assert "Adress" not in labels


def test_the_coordinators_protected_filter_lists_protected_guardians_too(
    client_for, coordinator, guarded
):
    body = client_for(coordinator).get(reverse("youth:list"), {"protected": "on"})
    assert "Vaktad" in body.content.decode()


def test_the_export_blanks_every_locating_column_of_protected_rows(
    client_for, coordinator, municipality, protected, guarded
):
    youth, _consent, _plan = protected
    open_youth = youth_make(municipality=municipality, last_name="Öppen", phone="070-000 00 01")
    client = with_reason(client_for(coordinator), youth)  # a reason does not fill an export
    response = client.get(reverse("youth:export"))
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    by_name = {row[2]: row for row in rows[1:]}
    for name in ("Skyddad", "Vaktad"):
        assert _leaks(" ".join(str(cell) for cell in by_name[name] if cell)) == [], name
    assert by_name["Skyddad"][13] == "ja"
    assert by_name["Vaktad"][13] == "vårdnadshavare"
    assert by_name[open_youth.last_name][7] == "070-000 00 01"


def test_letters_and_message_previews_hold_back_a_protected_guardians_address(
    client_for, coach, coordinator, municipality, guarded
):
    from outreach.letters import merge
    from outreach.letters.pdf import recipients

    template = MessageTemplate.objects.create(
        municipality=municipality,
        kind="sms",
        name="Adress",
        body="Hej {fornamn}, {adress} {postnummer} {postort}",
    )
    assert _leaks(merge.render(template.body, guarded, make_code=False)) == []
    form = client_for(coach).get(reverse("outreach:message_send", args=[guarded.pk]))
    assert _leaks(form.content.decode()) == []

    class Task:
        youth = guarded
        guardian_copy = True

    assert recipients([Task()], template) == []


def test_a_batch_holds_back_a_youth_whose_guardian_is_protected(
    client_for, coordinator, coach, municipality, guarded
):
    from outreach.letters.services import templates_ensure_defaults
    from outreach.routine import services
    from outreach.routine.engine import deadlines_refresh

    services.routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    templates_ensure_defaults(municipality=municipality, actor=coordinator)
    from youth.models import KaaPeriod

    KaaPeriod.objects.filter(youth=guarded).update(
        start_date=timezone.localdate() - dt.timedelta(days=10)
    )
    deadlines_refresh()
    template = MessageTemplate.objects.get(kind="postcard")
    week = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    preview = (
        client_for(coordinator)
        .get(
            reverse("outreach:batch_new"),
            {"channel": "postcard", "until": week, "template": template.pk},
        )
        .content.decode()
    )
    assert "Skyddade personuppgifter – hanteras manuellt" in preview
    assert "Vaktad" in preview


def test_school_notices_do_not_name_a_protected_students_school(
    client_for, coordinator, protected
):
    from plans.models import SchoolNotification

    youth, _consent, _plan = protected
    notice = SchoolNotification.objects.create(
        municipality=youth.municipality,
        kind="absence",
        personnummer=youth.personnummer,
        first_name=youth.first_name,
        last_name=youth.last_name,
        school=ELSEWHERE["school_name"],
        programme="Bygg",
        event_date=timezone.localdate(),
        contact_name="Rektor Rut",
        contact_email="rut@gomda.example",
    )
    client = client_for(coordinator)
    inbox = client.get(reverse("plans:school_inbox")).content.decode()
    assert notice.reference in inbox
    assert _leaks(inbox) == []
    url = reverse("plans:school_detail", args=[notice.pk])
    page = client.get(url).content.decode()
    assert _leaks(page) == []
    assert "rut@gomda.example" not in page
    assert PLACEHOLDER in page
    with_reason(client, youth)
    assert ELSEWHERE["school_name"] in client.get(url).content.decode()
