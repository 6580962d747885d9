"""Personnummer and samordningsnummer edge cases."""

from __future__ import annotations

import datetime as dt

import pytest

from youth.personnummer import PersonnummerError, looks_like_personnummer, parse, search_key

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("20080320-0013", "200803200013"),
        ("200803200013", "200803200013"),
        ("080320-0013", "200803200013"),
        ("0803200013", "200803200013"),
        ("080320 0013", "200803200013"),
    ],
)
def test_it_normalises_every_written_form_to_twelve_digits(value, number):
    assert parse(value, today=TODAY).number == number


def test_it_resolves_the_century_from_today():
    assert parse("090101-0009", today=TODAY).birth_date == dt.date(2009, 1, 1)
    assert parse("270101-0007", today=TODAY).birth_date == dt.date(1927, 1, 1)


def test_the_plus_separator_means_a_hundred_years_or_more():
    assert parse("080320+0013", today=TODAY).birth_date == dt.date(1908, 3, 20)


def test_samordningsnummer_are_accepted_with_the_real_birth_day():
    parsed = parse("080380-0010", today=TODAY)  # day 20 + 60
    assert parsed.is_coordination_number
    assert parsed.birth_date == dt.date(2008, 3, 20)
    assert parsed.number == "200803800010"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("20080320-0014", "Kontrollsiffran stämmer inte"),
        ("20081320-0011", "giltigt födelsedatum"),
        ("20080230-0012", "giltigt födelsedatum"),
        ("2008-03-20", "ska ha formen"),
        ("abc", "ska ha formen"),
        ("", "ska ha formen"),
        ("20300101-0002", "framtiden"),
    ],
)
def test_it_rejects_bad_numbers_with_a_swedish_message(value, message):
    with pytest.raises(PersonnummerError, match=message):
        parse(value, today=TODAY)


def test_search_helpers():
    assert looks_like_personnummer("080320-0013")
    assert looks_like_personnummer("20080320")
    assert not looks_like_personnummer("Anna")
    assert search_key("20080320-0013") == "0803200013"
    assert search_key("080320") == "080320"
