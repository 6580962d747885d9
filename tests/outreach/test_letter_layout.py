"""Letters are signed "Askersunds kommun", put postnummer and ort on one line, and carry the
coach's phone number."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kaa.models import Municipality
from outreach.letters import merge
from outreach.letters.pdf import batch_pdf_render, postal_line
from outreach.letters.selectors import batch_tasks
from outreach.letters.services import letter_batch_create, templates_ensure_defaults
from outreach.models import MessageTemplate
from outreach.routine import services
from outreach.routine.engine import deadlines_refresh
from tests.factories import youth_make
from youth.models import Youth


@pytest.mark.parametrize(
    ("name", "full_name", "expected"),
    [
        ("Askersund", "", "Askersunds kommun"),
        ("Lidköping", "", "Lidköpings kommun"),
        ("Täby", "", "Täby kommun"),
        ("Vännäs", "", "Vännäs kommun"),
        ("Stockholm", "Stockholms stad", "Stockholms stad"),
    ],
)
def test_the_municipality_signs_with_its_full_name(name, full_name, expected):
    assert Municipality(code="0000", name=name, full_name=full_name).display_name == expected


def test_postnummer_and_ort_make_one_line():
    assert postal_line("69630", "Askersund") == "696 30\u00a0\u00a0ASKERSUND"
    assert postal_line("696 30", " askersund ") == "696 30\u00a0\u00a0ASKERSUND"
    assert postal_line("", "Askersund") == "ASKERSUND"


@pytest.fixture
def batch(municipality, coordinator, coach):
    coach.phone = "0583-811 00"
    coach.save()
    services.routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    templates_ensure_defaults(municipality=municipality, actor=coordinator)
    youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Maja",
        last_name="Kortsson",
        address="Storgatan 1",
        postal_code="69630",
        city="Askersund",
        start_date=timezone.localdate() - dt.timedelta(days=10),
    )
    deadlines_refresh()
    return letter_batch_create(
        user=coordinator,
        template=MessageTemplate.objects.get(kind="postcard"),
        channel="postcard",
        until=timezone.localdate() + dt.timedelta(days=7),
    )


def test_the_postcard_names_the_kommun_the_postal_line_and_the_coachs_phone(batch, coordinator):
    pdf = batch_pdf_render(batch, batch_tasks(batch, user=coordinator))
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 1  # one card, one page
    assert "Askersunds kommun" in text
    assert "Vi på Askersunds kommun" in text  # {kommun} in the text as well
    lines = [line.strip() for line in text.splitlines()]
    assert "696 30\u00a0\u00a0ASKERSUND" in lines or "696 30  ASKERSUND" in lines
    assert "Telefon: 0583-811 00" in text


def test_merge_fields_give_the_full_name_and_the_coachs_phone(batch, coach):
    youth = Youth.objects.get(last_name="Kortsson")
    assert merge.render("{kommun} {coach_telefon}", youth) == "Askersunds kommun 0583-811 00"


def test_a_coach_sets_the_phone_printed_on_letters(client_for, coach):
    client_for(coach).post(reverse("kaa:account"), {"phone": "0583-811 22"})
    coach.refresh_from_db()
    assert coach.phone == "0583-811 22"
