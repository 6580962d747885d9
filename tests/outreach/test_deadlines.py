"""Deadline arithmetic: weekends, Swedish holidays, month ends, DST."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.calendar import add_business_days, add_months, add_offset, is_business_day


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 6, 19), False),  # midsommarafton
        (dt.date(2026, 6, 20), False),  # midsommardagen (Saturday)
        (dt.date(2026, 12, 24), False),  # julafton
        (dt.date(2026, 12, 25), False),
        (dt.date(2026, 12, 31), False),  # nyårsafton
        (dt.date(2027, 1, 6), False),  # trettondedag jul
        (dt.date(2026, 4, 3), False),  # långfredagen
        (dt.date(2026, 4, 6), False),  # annandag påsk
        (dt.date(2026, 5, 14), False),  # Kristi himmelsfärd
        (dt.date(2026, 6, 6), False),  # nationaldagen (Saturday)
        (dt.date(2026, 11, 21), False),  # Saturday
        (dt.date(2026, 11, 23), True),
        (dt.date(2026, 6, 18), True),
    ],
)
def test_business_days_follow_the_swedish_calendar(day, expected):
    assert is_business_day(day) is expected


def test_business_days_skip_midsummer_and_christmas():
    assert add_business_days(dt.date(2026, 6, 18), 1) == dt.date(2026, 6, 22)
    assert add_business_days(dt.date(2026, 12, 23), 1) == dt.date(2026, 12, 28)
    assert add_business_days(dt.date(2026, 12, 23), 3) == dt.date(2026, 12, 30)
    assert add_business_days(dt.date(2026, 12, 30), 1) == dt.date(2027, 1, 4)
    assert add_business_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)
    assert add_business_days(dt.date(2026, 11, 21), 0) == dt.date(2026, 11, 23)


def test_months_clamp_to_the_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)


def test_offsets_are_dates_so_dst_cannot_shift_them():
    # The last Sunday of October: a 25-hour day. Date arithmetic is unaffected.
    assert add_offset(dt.date(2026, 10, 24), 1, "weeks") == dt.date(2026, 10, 31)
    assert add_offset(dt.date(2026, 3, 28), 1, "days") == dt.date(2026, 3, 29)
    assert add_offset(dt.date(2026, 10, 23), 1, "business_days") == dt.date(2026, 10, 26)


def test_an_unknown_unit_is_an_error():
    with pytest.raises(ValueError, match="Unknown unit"):
        add_offset(dt.date(2026, 1, 1), 1, "fortnights")
