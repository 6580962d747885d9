"""Calendar days in Europe/Stockholm as instants: every "from this day to that day" filter on
a timestamp goes through here, so a day means the same everywhere (DST included)."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone


def day_start(day: dt.date) -> dt.datetime:
    """00:00 local time on `day`, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def day_after(day: dt.date) -> dt.datetime:
    """The first instant after `day` (00:00 local time the next day): an exclusive bound."""
    return day_start(day + dt.timedelta(days=1))


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day if shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))
