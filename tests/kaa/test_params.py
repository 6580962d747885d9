"""Numbers and dates typed into URLs and forms: read by kaa.lib.params, never a server error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from kaa.lib.params import DATE_MAX, date_param, int_list, int_param, to_int
from tests.factories import plan_make, youth_make

HUGE = "9" * 25


def _client(client_for, user) -> Client:
    client = client_for(user)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("value", ["²", "١٢", "1²", HUGE, "-1", "", " ", "1e3", "0x10", "1.0"])
def test_only_plain_numbers_that_fit_are_read(value):
    assert int_param({"a": value}, "a", 7) == 7
    assert int_list([value, "3"]) == [3]


def test_a_plain_number_is_read():
    assert int_param({"a": "42"}, "a") == 42
    assert to_int(str(2**63 - 1)) == 2**63 - 1
    assert to_int(str(2**63)) is None


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31",
        "0001-01-01",
        "0000-00-00",
        "2026-02-30",
        "²０２６-01-01",
        "2026-1-1",
        "x" * 300,
    ],
)
def test_only_dates_in_range_are_read(value):
    assert date_param({"d": value}, "d") is None


def test_a_date_in_range_is_read():
    assert date_param({"d": "2026-03-17"}, "d") == dt.date(2026, 3, 17)
    assert date_param({"d": DATE_MAX.isoformat()}, "d") == DATE_MAX


def test_a_required_parameter_that_is_wrong_is_a_400(client_for, coordinator):
    from kaa.lib.params import BadParameter

    with pytest.raises(BadParameter):
        int_param({"a": "²"}, "a", required=True)


def test_an_id_the_database_cannot_hold_is_not_a_route():
    assert resolve("/ungdomar/123/").kwargs == {"pk": 123}
    with pytest.raises(Resolver404):
        resolve(f"/ungdomar/{HUGE}/")
    with pytest.raises(Resolver404):
        resolve(f"/planer/ungdom/1/plan/{HUGE}/")


def test_every_id_in_the_apps_urls_uses_the_id_converter():
    """Django's `<int:>` takes any number of digits; `<id:>` only what a bigint holds."""
    from django.urls.converters import IntConverter

    from tests.kaa.test_hostile_params import _patterns

    loose = [
        route
        for route, _name, pattern in _patterns()
        if not route.startswith("system/")
        and any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
    ]
    assert not loose


def test_a_25_digit_youth_id_in_a_url_is_404(client_for, coordinator):
    response = _client(client_for, coordinator).get(f"/ungdomar/{HUGE}/")
    assert response.status_code == 404


def test_a_25_digit_youth_id_in_the_audit_filter_is_a_form_error(client_for, coordinator):
    response = _client(client_for, coordinator).get(reverse("records:audit_list"), {"youth": HUGE})
    assert response.status_code == 200
    assert "Kontrollera att detta värde är mindre än eller lika med" in response.content.decode()


def test_a_unicode_digit_as_revision_number_shows_the_default(client_for, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach)
    plan = plan_make(youth, actor=coach)
    response = _client(client_for, coach).get(
        reverse("plans:revisions", args=[youth.pk, plan.pk]), {"a": "²", "b": "²"}
    )
    assert response.status_code == 200
    assert plan.goal in response.content.decode()


def test_a_unicode_digit_as_intervention_shows_the_plan_follow_up(client_for, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach)
    plan = plan_make(youth, actor=coach, interventions=1)
    response = _client(client_for, coach).get(
        reverse("plans:follow_up", args=[youth.pk, plan.pk]), {"insats": "²"}
    )
    assert response.status_code == 200
    assert "Följ upp handlingsplanen" in response.content.decode()


def test_a_unicode_digit_as_poll_count_is_the_first_poll(client_for, coordinator, municipality):
    youth = youth_make(municipality=municipality)
    response = _client(client_for, coordinator).get(
        reverse("records:extract_list", args=[youth.pk]), {"n": "²"}
    )
    assert response.status_code == 200


def test_year_9999_in_the_access_review_is_a_form_error(client_for, coordinator):
    response = _client(client_for, coordinator).get(
        reverse("records:access_review"), {"start": "2026-01-01", "end": "9999-12-31"}
    )
    assert response.status_code == 200
    assert "Ange ett datum mellan 1900-01-01 och 2199-12-31." in response.content.decode()


def test_year_9999_in_a_saved_form_is_refused_with_the_input_kept(
    client_for, coordinator, municipality
):
    youth = youth_make(municipality=municipality)
    response = _client(client_for, coordinator).post(
        reverse("youth:period_close", args=[youth.pk]),
        {"end_date": "9999-12-31", "reason": "", "note": "Flyttat utomlands"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ange ett datum mellan 1900-01-01 och 2199-12-31." in body
    assert "9999-12-31" in body
    assert youth.periods.filter(end_date__isnull=True).exists()


def test_every_date_field_of_every_form_is_bounded():
    from django import forms

    from kaa.lib.params import validate_date_range
    from tests.kaa.test_hostile_params import _form_fields

    loose = [
        name
        for name, field in _form_fields()
        if isinstance(field, (forms.DateField, forms.DateTimeField))
        and validate_date_range not in field.validators
    ]
    assert not loose


def test_a_next_that_is_not_a_path_is_ignored(client_for, coordinator, municipality):
    """redirect() would try 'next=²' as the name of a URL pattern."""
    response = _client(client_for, coordinator).post(
        reverse("youth:assign_bulk"), {"youth": ["²"], "next": "²"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("youth:list")


def test_a_username_longer_than_the_column_is_a_failed_login():
    for url in (reverse("kaa:login"), "/system/login/"):
        client = Client(raise_request_exception=False)
        response = client.post(url, {"username": "x" * 3000, "password": "y"})
        assert response.status_code == 200, url
        assert 'name="username"' in response.content.decode()
