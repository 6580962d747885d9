"""Reporting periods: half-years written `2026H1` (January-June) and `2026H2` (July-December)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PATTERN = re.compile(r"^(\d{4})H([12])$")


@dataclass(frozen=True, order=True)
class HalfYear:
    year: int
    half: int

    @classmethod
    def parse(cls, value: str) -> HalfYear:
        """`2026H2` → HalfYear(2026, 2); anything else raises a Swedish ValidationError."""
        match = _PATTERN.match((value or "").strip().upper())
        if not match or not 2000 <= int(match.group(1)) <= 2100:
            raise ValidationError(
                _(
                    "Perioden ”%(value)s” ska skrivas ÅÅÅÅH1 (januari–juni) eller ÅÅÅÅH2 "
                    "(juli–december), t.ex. 2026H2."
                )
                % {"value": value},
                code="period_format",
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: dt.date) -> HalfYear:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    def prev(self) -> HalfYear:
        return HalfYear(self.year, 1) if self.half == 2 else HalfYear(self.year - 1, 2)

    def next(self) -> HalfYear:
        return HalfYear(self.year, 2) if self.half == 1 else HalfYear(self.year + 1, 1)

    def __str__(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def label(self) -> str:
        first = _("januari–juni") if self.half == 1 else _("juli–december")
        return f"{first} {self.year}"


def reportable(period: HalfYear, *, today: dt.date) -> None:
    """Refuse a half-year that has not begun: there is nothing to report yet."""
    if period.start > today:
        raise ValidationError(
            _("%(period)s har inte börjat än; det finns inget att rapportera.")
            % {"period": period},
            code="period_future",
        )


def recent(*, today: dt.date, count: int = 4) -> list[HalfYear]:
    """The current half-year and the ones before it, newest first."""
    out = [HalfYear.containing(today)]
    while len(out) < count:
        out.append(out[-1].prev())
    return out
