"""Details of forms that a person meets every day: a GET form never carries the CSRF token
into the URL, two forms on one page never share an id (a label would name the wrong field),
and a count is written with its unit in the right number ("1 vecka", "2 veckor")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from outreach.calendar import Unit, offset_display
from tests.factories import consent_make, youth_make

pytestmark = pytest.mark.django_db


def _get_forms(html: str) -> list[str]:
    return re.findall(r'<form[^>]*method="get"[^>]*>.*?</form>', html, flags=re.S | re.I)


def _ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


@pytest.mark.parametrize("url", ["outreach:batch_new", "plans:meeting_new"])
def test_a_get_form_does_not_put_the_csrf_token_into_the_url(client_for, coordinator, url):
    client = client_for(coordinator)
    html = client.get(reverse(url)).content.decode()
    forms = _get_forms(html)
    assert forms, "the page has its GET form"
    assert not any("csrfmiddlewaretoken" in form for form in forms)
    # Submitting the form: the address it leads to carries only the form's own fields.
    response = client.get(reverse(url), {"held_on": "2026-01-01", "until": "2026-01-01"})
    assert (
        "csrfmiddlewaretoken"
        not in response.content.decode().split("<main", 1)[1].split('method="post"', 1)[0]
    )


def test_the_consent_page_has_one_id_per_field(client_for, coordinator):
    youth = youth_make(municipality=coordinator.municipality)
    consent = consent_make(youth, actor=coordinator)
    client = client_for(coordinator)
    html = client.get(
        reverse("plans:consent_detail", args=[youth.pk, consent.pk])
    ).content.decode()
    ids = _ids(html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    # "Återkallat den" names the revoke form's date field, not the paper form's.
    assert re.search(r'<label[^>]*for="revoke_on"[^>]*>\s*Återkallat den', html)
    assert 'id="revoke_on"' in html
    assert 'id="paper_on"' in html


def test_the_youth_list_labels_the_filter_and_the_bulk_coach_apart(client_for, coordinator):
    youth_make(municipality=coordinator.municipality)
    html = client_for(coordinator).get(reverse("youth:list")).content.decode()
    ids = _ids(html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert re.search(r'<label[^>]*for="assign_coach"[^>]*>\s*Coach', html)
    assert 'id="assign_coach"' in html


@pytest.mark.parametrize(
    ("value", "unit", "swedish", "english"),
    [
        (1, Unit.WEEKS, "1 vecka", "1 week"),
        (2, Unit.WEEKS, "2 veckor", "2 weeks"),
        (1, Unit.MONTHS, "1 månad", "1 month"),
        (3, Unit.MONTHS, "3 månader", "3 months"),
        (1, Unit.DAYS, "1 dag", "1 day"),
        (1, Unit.BUSINESS_DAYS, "1 arbetsdag", "1 business day"),
        (5, Unit.BUSINESS_DAYS, "5 arbetsdagar", "5 business days"),
    ],
)
def test_a_deadline_is_written_in_the_right_number(value, unit, swedish, english):
    assert offset_display(value, unit) == swedish
    with translation.override("en"):
        assert offset_display(value, unit) == english


def test_the_routine_page_says_one_week_not_one_weeks(client_for, coordinator):
    from outreach.routine.services import routine_from_template

    routine = routine_from_template(
        municipality=coordinator.municipality, key="askersund", actor=coordinator
    )
    step = routine.steps.order_by("order").first()
    step.offset_value, step.offset_unit = 1, Unit.WEEKS
    step.save()
    html = client_for(coordinator).get(reverse("outreach:routines")).content.decode()
    assert "1 vecka från" in html
    assert "1 veckor" not in html
