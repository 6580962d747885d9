"""The work queue on a phone: a call or an SMS task carries the youth's number as a link to
call or text, never for a youth whom a protected identity covers; the youth's page links
numbers and addresses too."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from kaa.templatetags.kaa_tags import phone_uri
from outreach.routine.engine import deadlines_refresh
from outreach.routine.services import routine_from_template
from tests.factories import youth_make
from youth.models import Guardian

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("written", "uri"),
    [
        ("070-123 45 67", "+46701234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("0046 70-123 45 67", "+46701234567"),
        ("08-123 456", "+468123456"),
        ("", ""),
        ("saknas", ""),
    ],
)
def test_a_phone_number_becomes_what_a_tel_link_dials(written, uri):
    assert phone_uri(written) == uri


def _due(municipality, coach, **fields):
    return youth_make(
        municipality=municipality,
        coach=coach,
        start_date=timezone.localdate() - dt.timedelta(days=21),
        **fields,
    )


def test_call_and_sms_tasks_link_the_number_unless_protected(
    client_for, coach, municipality, django_assert_max_num_queries
):
    routine_from_template(municipality=municipality, key="askersund", actor=None)
    _due(municipality, coach, first_name="Öppen", phone="070-111 11 11")
    _due(municipality, coach, first_name="Skyddad", phone="070-222 22 22", protected_identity=True)
    covered = _due(municipality, coach, first_name="Vårdnad", phone="070-333 33 33")
    Guardian.objects.create(youth=covered, name="Skyddad Förälder", protected_identity=True)
    deadlines_refresh()
    client = client_for(coach)
    # What the queue's query count test allows: the protection is known in one query.
    with django_assert_max_num_queries(14):
        body = client.get(reverse("outreach:queue")).content.decode()
    soup = BeautifulSoup(body, "html.parser")
    call = soup.find("caption", string="Telefonsamtal").find_parent("table")
    links = [a["href"] for a in call.select(".phone-links a")]
    assert links == ["tel:+46701111111", "sms:+46701111111"]
    assert "070-222" not in body
    assert "070-333" not in body
    # A postcard is not a call: no number on it.
    postcard = soup.find("caption", string="Vykort").find_parent("table")
    assert not postcard.select(".phone-links")


def test_the_youth_page_links_phone_and_e_mail(client_for, coach, municipality):
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        phone="070-123 45 67",
        phone_alt="+46 8 123 456",
        email="ung@example.se",
    )
    Guardian.objects.create(
        youth=youth, name="Förälder", phone="073-765 43 21", email="foralder@example.se"
    )
    body = client_for(coach).get(reverse("youth:detail", args=[youth.pk])).content.decode()
    soup = BeautifulSoup(body, "html.parser")
    hrefs = {a["href"] for a in soup.find_all("a", href=True)}
    assert {
        "tel:+46701234567",
        "sms:+46701234567",
        "tel:+468123456",
        "tel:+46737654321",
        "mailto:ung@example.se",
        "mailto:foralder@example.se",
    } <= hrefs
    assert soup.find("a", href="tel:+46701234567").get_text(" ", strip=True) == (
        "Ring 070-123 45 67"
    )


def test_an_e_mail_task_links_the_address_unless_protected(client_for, coach, municipality):
    from outreach.routine.models import RoutineStep

    routine = routine_from_template(municipality=municipality, key="askersund", actor=None)
    RoutineStep.objects.filter(routine=routine).update(channel="email", requires_phone=False)
    _due(municipality, coach, first_name="Öppen", email="oppen@example.se")
    _due(
        municipality,
        coach,
        first_name="Skyddad",
        email="skyddad@example.se",
        protected_identity=True,
    )
    deadlines_refresh()
    body = client_for(coach).get(reverse("outreach:queue")).content.decode()
    soup = BeautifulSoup(body, "html.parser")
    mailtos = {a["href"] for a in soup.select("main a[href^=mailto]")}
    assert mailtos == {"mailto:oppen@example.se"}
    assert "skyddad@example.se" not in body
