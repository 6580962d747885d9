"""Calendar arithmetic for due dates, in Europe/Stockholm dates: days, weeks, calendar months
and Swedish business days (weekends, public holidays and the eves that are de facto days off
skipped). Pure functions with no models: the routine's steps, the work queue's weeks, letter
batches and plans' follow-ups all count days with it."""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

import holidays
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class Unit(models.TextChoices):
    DAYS = "days", _("dagar")
    WEEKS = "weeks", _("veckor")
    BUSINESS_DAYS = "business_days", _("arbetsdagar")
    MONTHS = "months", _("månader")


def offset_display(value: int, unit: str) -> str:
    """ "1 vecka", "3 veckor": a count with its unit in the right number."""
    forms = {
        Unit.DAYS: ngettext("%(n)s dag", "%(n)s dagar", value),
        Unit.WEEKS: ngettext("%(n)s vecka", "%(n)s veckor", value),
        Unit.BUSINESS_DAYS: ngettext("%(n)s arbetsdag", "%(n)s arbetsdagar", value),
        Unit.MONTHS: ngettext("%(n)s månad", "%(n)s månader", value),
    }
    return forms[Unit(unit)] % {"n": value}


@lru_cache(maxsize=64)
def _days_off(year: int) -> frozenset[dt.date]:
    public = holidays.country_holidays("SE", years=[year])
    days = set(public.keys())
    midsummer = next(d for d, name in public.items() if "Midsummer" in name or "Midsommar" in name)
    # Midsommarafton, julafton and nyårsafton are not public holidays in law, but offices close.
    days |= {midsummer - dt.timedelta(days=1), dt.date(year, 12, 24), dt.date(year, 12, 31)}
    return frozenset(days)


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _days_off(day.year)


def add_business_days(day: dt.date, count: int) -> dt.date:
    """`count` business days after `day` (0: `day` itself, or the next business day)."""
    current = day
    if count == 0:
        while not is_business_day(current):
            current += dt.timedelta(days=1)
        return current
    step = 1 if count > 0 else -1
    remaining = abs(count)
    while remaining:
        current += dt.timedelta(days=step)
        if is_business_day(current):
            remaining -= 1
    return current


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; the 31st becomes the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_offset(day: dt.date, value: int, unit: str) -> dt.date:
    """The deadline `value` `unit`s after `day`."""
    if unit == Unit.DAYS:
        return day + dt.timedelta(days=value)
    if unit == Unit.WEEKS:
        return day + dt.timedelta(weeks=value)
    if unit == Unit.BUSINESS_DAYS:
        return add_business_days(day, value)
    if unit == Unit.MONTHS:
        return add_months(day, value)
    raise ValueError(f"Unknown unit {unit!r}")


def next_business_day_on_or_after(day: dt.date) -> dt.date:
    return add_business_days(day, 0)


def week_end(day: dt.date) -> dt.date:
    """Sunday of the ISO week that holds `day`."""
    return day + dt.timedelta(days=6 - day.weekday())
