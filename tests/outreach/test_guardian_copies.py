"""A guardian's copy the routine asks for is never dropped silently: a guardian without an
address (or with protected identity, or none at all) is named on the batch pages and in the
queue, with the other channels offered, and the contact log says the copy was not sent."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from outreach.letters.services import templates_ensure_defaults
from outreach.models import ContactAttempt, MessageTemplate, Task
from outreach.queue.selectors import guardian_gap
from outreach.routine import services
from outreach.routine.engine import deadlines_refresh
from tests.factories import youth_make
from youth.register.services import guardian_add


@pytest.fixture
def minor(municipality, coordinator, coach):
    services.routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    templates_ensure_defaults(municipality=municipality, actor=coordinator)
    today = timezone.localdate()
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Alva",
        last_name="Brevsson",
        address="Storgatan 1",
        postal_code="696 30",
        city="Askersund",
        birth_date=today.replace(year=today.year - 16),
        start_date=today - dt.timedelta(days=10),
    )
    guardian_add(youth=youth, actor=coordinator, name="Eva Brevsson", phone="0701112233")
    deadlines_refresh()
    return youth


def _postcard(youth):
    return Task.objects.get(youth=youth, channel="postcard", step__order=1)


def test_the_gap_is_named_for_each_kind_of_missing_copy(minor, coordinator):
    task = _postcard(minor)
    assert guardian_gap(task) == "vårdnadshavare saknar adress"
    guardian = minor.guardians.get()
    guardian.protected_identity = True
    guardian.save()
    assert "skyddade personuppgifter" in guardian_gap(_postcard(minor))
    guardian.delete()
    assert guardian_gap(_postcard(minor)) == "vårdnadshavare saknas i registret"
    guardian_add(youth=minor, actor=coordinator, name="Per", address="Väg 1", city="Askersund")
    assert guardian_gap(_postcard(minor)) == ""


def test_the_batch_pages_and_the_queue_say_so_and_offer_other_channels(
    client_for, coordinator, minor
):
    client = client_for(coordinator)
    template = MessageTemplate.objects.get(kind="postcard")
    until = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    query = {"channel": "postcard", "until": until, "template": template.pk}
    preview = client.get(reverse("outreach:batch_new"), query).content.decode()
    assert "vårdnadshavare saknar adress" in preview
    sms = reverse("outreach:message_send", args=[minor.pk]) + "?vardnadshavare=1"
    assert sms in preview
    key = re.search(r'name="key" value="([0-9a-f-]+)"', preview).group(1)
    batch_url = client.post(reverse("outreach:batch_new"), {**query, "key": key})["Location"]
    detail = client.get(batch_url).content.decode()
    assert "1 kopia till vårdnadshavare är inte med i PDF:en" in detail
    assert "vårdnadshavare saknar adress" in detail
    assert sms in detail
    pdf = client.get(batch_url + "pdf/").content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Alva Brevsson" in text
    assert "Eva Brevsson" not in text
    queue = client.get(reverse("outreach:queue"), {"vy": "kommun"}).content.decode()
    assert "vårdnadshavare saknar adress" in queue
    # The guardian is preselected on the message form the link opens.
    form = client.get(sms).content.decode()
    assert re.search(r'name="to_guardian"[^>]*checked', form)
    client.post(batch_url + "bekrafta/")
    attempt = ContactAttempt.objects.get(youth=minor, task=_postcard(minor))
    assert attempt.note == "Kopia till vårdnadshavare inte skickad: vårdnadshavare saknar adress"
