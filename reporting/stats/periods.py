"""Reporting periods for the dashboard and board reports: month, tertial, half-year, school
year (1 July - 30 June), calendar year, or a date range."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = {
    "month": gettext_lazy("Månad"),
    "tertial": gettext_lazy("Tertial"),
    "half_year": gettext_lazy("Halvår"),
    "school_year": gettext_lazy("Läsår"),
    "year": gettext_lazy("Kalenderår"),
    "range": gettext_lazy("Valfria datum"),
}
MONTHS = [
    "",
    gettext_lazy("januari"),
    gettext_lazy("februari"),
    gettext_lazy("mars"),
    gettext_lazy("april"),
    gettext_lazy("maj"),
    gettext_lazy("juni"),
    gettext_lazy("juli"),
    gettext_lazy("augusti"),
    gettext_lazy("september"),
    gettext_lazy("oktober"),
    gettext_lazy("november"),
    gettext_lazy("december"),
]


@dataclass(frozen=True)
class Span:
    kind: str
    start: dt.date
    end: dt.date
    number: int = 0  # month 1-12, tertial 1-3, half 1-2

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{MONTHS[self.start.month]} {self.start.year}"
        if self.kind == "tertial":
            return _("tertial %(n)s %(year)s") % {"n": self.number, "year": self.start.year}
        if self.kind == "half_year":
            return _("halvår %(n)s %(year)s") % {"n": self.number, "year": self.start.year}
        if self.kind == "school_year":
            return _("läsåret %(a)s/%(b)s") % {"a": self.start.year, "b": self.end.year % 100}
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def span_of(kind: str, year: int, number: int = 1) -> Span:
    if kind == "month":
        return Span(kind, dt.date(year, number, 1), _month_end(year, number), number)
    if kind == "tertial":
        first = 1 + 4 * (number - 1)
        return Span(kind, dt.date(year, first, 1), _month_end(year, first + 3), number)
    if kind == "half_year":
        first = 1 if number == 1 else 7
        return Span(kind, dt.date(year, first, 1), _month_end(year, first + 5), number)
    if kind == "school_year":
        return Span(kind, dt.date(year, 7, 1), dt.date(year + 1, 6, 30))
    return Span("year", dt.date(year, 1, 1), dt.date(year, 12, 31))


NUMBERS = {"month": 12, "tertial": 3, "half_year": 2}  # how many of each in a year


def span_numbered(kind: str, year: int, number: int = 1) -> Span:
    """The `number`th span of `kind` in `year`; a number out of range is the number field's
    error."""
    limit = NUMBERS.get(kind, 1)
    if number > limit:
        raise ValidationError({"number": _("Välj ett nummer från 1 till %(n)s.") % {"n": limit}})
    return span_of(kind, year, number)


def containing(kind: str, day: dt.date) -> Span:
    """The span of `kind` that contains `day`."""
    number = {
        "month": day.month,
        "tertial": (day.month - 1) // 4 + 1,
        "half_year": 1 if day.month <= 6 else 2,
    }.get(kind, 1)
    year = day.year - 1 if kind == "school_year" and day.month < 7 else day.year
    return span_of(kind, year, number)


def previous(span: Span) -> Span:
    return containing(span.kind, span.start - dt.timedelta(days=1))


def date_range(start: dt.date, end: dt.date) -> Span:
    if end < start:
        raise ValidationError(
            _(
                "Slutdatumet ligger före startdatumet. Byt plats på datumen "
                "eller välj ett annat slutdatum."
            ),
            code="inverted",
        )
    if (end - start).days > 366 * 5:
        raise ValidationError(_("Välj en period på högst fem år."), code="too_long")
    return Span("range", start, end)


def months_back(end: dt.date, count: int) -> list[Span]:
    """`count` calendar months ending with the month that contains `end`, oldest first."""
    spans = [containing("month", end)]
    while len(spans) < count:
        spans.append(previous(spans[-1]))
    return list(reversed(spans))
