"""Letter batches: one PDF, protected identities held back, guardian copies, confirmation."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kaa.models import AuditEvent
from outreach.letters.services import templates_ensure_defaults
from outreach.models import ContactAttempt, LetterBatch, MessageTemplate, Task
from outreach.routine import services
from outreach.routine.engine import deadlines_refresh
from tests.factories import youth_make
from youth.register.services import guardian_add


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def setup(municipality, coordinator, coach):
    services.routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    templates_ensure_defaults(municipality=municipality, actor=coordinator)
    start = timezone.localdate() - dt.timedelta(days=10)
    minor = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Alva",
        last_name="Brevsson",
        address="Storgatan 1",
        postal_code="123 45",
        city="Askersund",
        birth_date=timezone.localdate().replace(year=timezone.localdate().year - 16),
        start_date=start,
    )
    guardian_add(
        youth=minor,
        actor=coordinator,
        name="Eva Brevsson",
        address="Lillgatan 2",
        postal_code="123 46",
        city="Askersund",
    )
    hidden = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Sam",
        last_name="Skyddsson",
        address="Hemliga vägen 9",
        protected_identity=True,
        start_date=start,
    )
    deadlines_refresh()
    return minor, hidden


def test_a_postcard_batch_renders_one_pdf_and_holds_back_protected(client_for, coordinator, setup):
    minor, hidden = setup
    client = client_for(coordinator)
    template = MessageTemplate.objects.get(kind="postcard")
    week = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    preview = client.get(
        reverse("outreach:batch_new"),
        {"channel": "postcard", "until": week, "template": template.pk},
    ).content.decode()
    assert "Brevsson" in preview
    assert "Skyddade personuppgifter – hanteras manuellt" in preview
    key = re.search(r'name="key" value="([0-9a-f-]+)"', preview).group(1)
    response = client.post(
        reverse("outreach:batch_new"),
        {"channel": "postcard", "until": week, "template": template.pk, "key": key},
    )
    batch_url = response["Location"]
    # A double click (the same page's key again) makes no second batch.
    again = client.post(
        reverse("outreach:batch_new"),
        {"channel": "postcard", "until": week, "template": template.pk, "key": key},
    )
    assert again["Location"] == batch_url
    assert LetterBatch.objects.count() == 1
    detail = client.get(batch_url).content.decode()
    assert "Skyddsson" in detail  # listed for manual handling
    pdf = client.get(batch_url + "pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    text = _text(pdf.content)
    assert "Alva Brevsson" in text
    assert "Storgatan 1" in text
    assert "Eva Brevsson" in text  # under 18: the guardian's copy
    assert "Lillgatan 2" in text
    assert "Hej Alva!" in text
    assert "Skyddsson" not in text
    assert "Hemliga vägen" not in text
    assert AuditEvent.objects.filter(action="print", youth_id=minor.pk).exists()
    client.post(batch_url + "bekrafta/")
    task = Task.objects.get(youth=minor, title="Vykort")
    assert task.status == "done"
    assert ContactAttempt.objects.get(youth=minor).outcome == "sent"
    assert Task.objects.get(youth=hidden, title="Vykort").status == "open"
    again = client.post(batch_url + "bekrafta/", follow=True).content.decode()
    assert "redan bekräftat" in again


def test_a_template_with_an_unknown_field_is_refused(client_for, coordinator):
    response = client_for(coordinator).post(
        reverse("outreach:template_new"),
        {"kind": "letter", "name": "Fel", "subject": "", "body": "Hej {namn}!", "is_active": "on"},
    )
    body = response.content.decode()
    assert "Okända fält: {namn}" in body
    assert "Hej {namn}!" in body
    assert not MessageTemplate.objects.filter(name="Fel").exists()


def test_pdf_rendering_loads_nothing_from_outside(setup, coordinator):
    from kaa.lib.pdf import OwnAssetsOnly

    with pytest.raises(ValueError, match="not allowed"):
        OwnAssetsOnly().fetch("http://169.254.169.254/")
    with pytest.raises(ValueError, match="not allowed"):
        OwnAssetsOnly().fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="not allowed"):
        OwnAssetsOnly().fetch("data:text/html;base64,PGgxPg==")
    assert b"@page" in OwnAssetsOnly().fetch("kaa:print.css").read()
    # A QR code is drawn here from the text after "kaa:qr?"; nothing is fetched.
    png = OwnAssetsOnly().fetch("kaa:qr?https%3A%2F%2F169.254.169.254%2F").read()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_a_coach_sends_an_sms_from_the_youth_page(
    client_for, coach, setup, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.KAA_SMS_FILE_DIR = str(tmp_path)
    minor, _hidden = setup
    minor.phone = "070-111 22 33"
    minor.save()
    client = client_for(coach)
    form = client.get(reverse("outreach:message_send", args=[minor.pk])).content.decode()
    assert "Hej Alva!" in form  # prefilled from the municipality's SMS template
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("outreach:message_send", args=[minor.pk]),
            {
                "channel": "sms",
                "body": "Hej Alva, ring mig!",
                "key": "8d3c6f0e-4f5a-4bb8-9a51-2f7de1b6a111",
            },
        )
    assert response.status_code == 302
    assert ContactAttempt.objects.get(youth=minor, channel="sms").outcome == "sent"


def test_only_the_maker_and_coordinators_open_a_batch_pdf(
    client_for, coordinator, coach, stranger_coordinator, setup
):
    template = MessageTemplate.objects.get(kind="postcard")
    from outreach.letters.services import letter_batch_create

    batch = letter_batch_create(
        user=coach,
        template=template,
        channel="postcard",
        until=timezone.localdate() + dt.timedelta(days=30),
    )
    url = reverse("outreach:batch_pdf", args=[batch.pk])
    assert client_for(coach).get(url).status_code == 200
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(stranger_coordinator).get(url).status_code == 404
    confirm = reverse("outreach:batch_confirm", args=[batch.pk])
    assert client_for(stranger_coordinator).post(confirm).status_code == 404


def test_youths_about_to_turn_20_get_the_support_letter_once(
    client_for, coordinator, municipality
):
    from outreach.routine.engine import turning_20_letters_ensure

    templates_ensure_defaults(municipality=municipality, actor=coordinator)
    today = timezone.localdate()
    soon = youth_make(
        municipality=municipality,
        first_name="Snart",
        last_name="Tjugo",
        birth_date=today.replace(year=today.year - 20) + dt.timedelta(days=40),
        address="Vägen 1",
    )
    youth_make(municipality=municipality, birth_date=today.replace(year=today.year - 18))
    assert turning_20_letters_ensure(today=today) == 1
    assert turning_20_letters_ensure(today=today) == 0
    task = Task.objects.get(kind="turning_20")
    assert task.youth == soon
    assert task.due_date == soon.twentieth_birthday - dt.timedelta(days=30)
    template = MessageTemplate.objects.get(kind="turning_20")
    client = client_for(coordinator)
    response = client.post(
        reverse("outreach:batch_new"),
        {
            "channel": "turning_20",
            "until": (today + dt.timedelta(days=60)).isoformat(),
            "template": template.pk,
        },
    )
    text = _text(client.get(response["Location"] + "pdf/").content)
    assert "Snart Tjugo" in text
    assert soon.twentieth_birthday.isoformat() in text
    client.post(response["Location"] + "bekrafta/")
    assert turning_20_letters_ensure(today=today) == 0  # done once for this period


def test_a_youth_restricted_after_the_batch_was_made_gets_no_letter_and_no_log_entry(
    client_for, coordinator, coach, setup
):
    from outreach.letters.services import letter_batch_create
    from outreach.models import AccessCode
    from youth.data_protection.services import restriction_set

    minor, hidden = setup
    template = MessageTemplate.objects.get(kind="postcard")
    batch = letter_batch_create(
        user=coach,
        template=template,
        channel="postcard",
        until=timezone.localdate() + dt.timedelta(days=30),
    )
    assert Task.objects.filter(pk__in=batch.task_ids, youth=minor).exists()
    restriction_set(
        youth=minor,
        actor=coordinator,
        reason="Bestrider uppgifterna",
        received_on=timezone.localdate(),
    )
    client = client_for(coordinator)
    text = _text(client.get(reverse("outreach:batch_pdf", args=[batch.pk])).content)
    assert "Brevsson" not in text
    assert "Storgatan" not in text
    assert not AccessCode.objects.filter(youth=minor).exists()
    open_before = Task.objects.filter(youth=minor, status="open").count()
    client.post(reverse("outreach:batch_confirm", args=[batch.pk]))
    assert Task.objects.filter(youth=minor, status="open").count() == open_before
    assert not ContactAttempt.objects.filter(youth=minor).exists()
    # The coach no longer sees the restricted youth, not even in the list of those held back.
    restriction_set(
        youth=hidden,
        actor=coordinator,
        reason="Bestrider uppgifterna",
        received_on=timezone.localdate(),
    )
    page = client_for(coach).get(reverse("outreach:batch_detail", args=[batch.pk]))
    assert "Skyddsson" not in page.content.decode()


def test_showing_the_sms_form_makes_no_e_service_code_sending_does(
    client_for, coach, setup, django_capture_on_commit_callbacks
):
    from outreach.models import AccessCode, OutgoingMessage

    minor, _hidden = setup
    minor.phone = "070-111 22 33"
    minor.save()
    template = MessageTemplate.objects.get(
        municipality=minor.municipality, kind="sms", is_active=True
    )
    template.body = "Hej {fornamn}! Svara här: {lank}"
    template.save()
    client = client_for(coach)
    url = reverse("outreach:message_send", args=[minor.pk])
    form = client.get(url).content.decode()
    assert "Hej Alva! Svara här: {lank}" in form
    assert not AccessCode.objects.filter(youth=minor).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "channel": "sms",
                "body": "Hej Alva! Svara här: {lank}",
                "key": "2f0c4c1e-95a4-4b43-8a54-6d3a1f7e0b21",
            },
        )
    code = AccessCode.objects.get(youth=minor)
    body = OutgoingMessage.objects.get(youth=minor).body
    assert "{lank}" not in body
    assert code.code in body or code.display in body


def _one_task_each(youths):
    tasks, seen = [], set()
    for task in Task.objects.filter(youth__in=youths).select_related("youth").order_by("pk"):
        if task.youth_id not in seen:
            seen.add(task.youth_id)
            tasks.append(task)
    return tasks


def _recipients_queries(youths, template):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from outreach.letters.pdf import recipients

    recipients(_one_task_each(youths), template)  # the codes are made on first use
    tasks = _one_task_each(youths)
    with CaptureQueriesContext(connection) as queries:
        people = recipients(tasks, template)
    return len(queries), people


def test_a_batch_reads_its_youths_codes_and_guardians_in_queries_that_do_not_grow(
    setup, municipality, coordinator, coach
):
    minor, _hidden = setup
    more = []
    for i in range(4):
        youth = youth_make(
            municipality=municipality,
            coach=coach,
            first_name=f"Brev{i}",
            last_name="Massutskick",
            address=f"Storgatan {i + 10}",
            postal_code="123 45",
            city="Askersund",
            birth_date=minor.birth_date,
            start_date=timezone.localdate() - dt.timedelta(days=10),
        )
        guardian_add(youth=youth, actor=coordinator, name=f"Förälder {i}", address="Väg 1")
        more.append(youth)
    deadlines_refresh()
    template = MessageTemplate.objects.filter(
        municipality=municipality, kind=MessageTemplate.Kind.LETTER
    ).first()
    small, few = _recipients_queries([minor, more[0]], template)
    large, many = _recipients_queries([minor, *more], template)
    assert small == large
    assert len(many) > len(few)
    assert {p.youth.pk for p in many} == {minor.pk, *(y.pk for y in more)}
    assert all(p.code for p in many)  # every youth in KAA has its e-service code
