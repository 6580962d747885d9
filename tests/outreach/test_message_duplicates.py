"""An identical SMS to the same youth within a day is refused unless the sender confirms
("back" and "Skicka" again sent it twice); SMS and e-mail use templates with the letters'
merge fields and the same check of them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach.letters.services import templates_ensure_defaults
from outreach.messaging.services import DUPLICATE, message_queue
from outreach.models import MessageTemplate, OutgoingMessage
from tests.factories import youth_make


@pytest.fixture
def youth(municipality, coach, coordinator):
    templates_ensure_defaults(municipality=municipality, actor=coordinator)
    return youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Alva",
        phone="0701112233",
        email="alva@example.se",
    )


def _key(html):
    return re.search(r'name="key" value="([0-9a-f-]+)"', html).group(1)


def test_the_same_text_again_within_a_day_is_refused_unless_confirmed(youth, coach):
    message_queue(youth=youth, channel="sms", body="Hej Alva, ring mig!", staff=coach)
    with pytest.raises(ValidationError) as refused:
        message_queue(youth=youth, channel="sms", body="Hej Alva, ring mig!", staff=coach)
    assert refused.value.code == DUPLICATE
    # Another text, or the same by e-mail, goes.
    message_queue(youth=youth, channel="sms", body="Hej Alva, ring mig i dag!", staff=coach)
    message_queue(youth=youth, channel="email", body="Hej Alva, ring mig!", staff=coach)
    message_queue(
        youth=youth, channel="sms", body="Hej Alva, ring mig!", staff=coach, confirm_duplicate=True
    )
    assert OutgoingMessage.objects.filter(youth=youth, channel="sms").count() == 3
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        message_queue(youth=youth, channel="sms", body="Hej Alva, ring mig!", staff=coach)


def test_back_and_send_again_asks_before_sending_a_second_time(client_for, coach, youth):
    client = client_for(coach)
    url = reverse("outreach:message_send", args=[youth.pk])
    data = {"channel": "sms", "body": "Hej {fornamn}, ring mig!"}
    first = client.post(url, {**data, "key": _key(client.get(url).content.decode())})
    assert first.status_code == 302
    # "Back" reloads the form (a new key) and the same text is sent again.
    again = client.post(url, {**data, "key": _key(client.get(url).content.decode())})
    page = again.content.decode()
    assert again.status_code == 200
    assert "Samma meddelande skickades till 0701112233" in page
    assert "Skicka ändå" in page
    assert OutgoingMessage.objects.filter(youth=youth).count() == 1
    confirmed = client.post(url, {**data, "key": _key(page), "confirm_duplicate": "True"})
    assert confirmed.status_code == 302
    assert OutgoingMessage.objects.filter(youth=youth).count() == 2


def test_message_templates_fill_the_form_and_merge_fields_are_checked(client_for, coach, youth):
    client = client_for(coach)
    url = reverse("outreach:message_send", args=[youth.pk])
    email = MessageTemplate.objects.get(municipality=youth.municipality, kind="email")
    page = client.get(url, {"mall": email.pk}).content.decode()
    assert "Hej från Askersund" in page  # the subject, merged
    assert re.search(r'<option value="email"[^>]*selected', page)
    bad = client.post(
        url, {"channel": "sms", "body": "Hej {fornamn} {skonummer}", "key": _key(page)}
    ).content.decode()
    assert "Okända fält: {skonummer}" in bad
    assert not OutgoingMessage.objects.filter(youth=youth).exists()
    client.post(url, {"channel": "sms", "body": "Hej {fornamn}!", "key": _key(page)})
    assert OutgoingMessage.objects.get(youth=youth).body.startswith("Hej Alva!")
