"""Personnummer and samordningsnummer: validate, resolve the century, normalise to 12 digits.

python-stdnum does the cleaning and the Luhn check; samordningsnummer (birth day + 60), which
stdnum's personnummer module does not accept, are handled here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError

INVALID_FORMAT = _("Personnumret ska ha formen ÅÅMMDD-NNNN eller ÅÅÅÅMMDDNNNN.")
INVALID_DATE = _("Personnumret innehåller inget giltigt födelsedatum.")
INVALID_CHECKSUM = _("Kontrollsiffran stämmer inte. Kontrollera personnumret.")
IN_FUTURE = _("Födelsedatumet ligger i framtiden.")

_CLEAN_RE = re.compile(r"[\s:]")
_SHAPE_RE = re.compile(r"^(\d{2})?(\d{6})([-+]?)(\d{4})$")


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on `day` for someone born on `birth`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def years_before(day: dt.date, years: int) -> dt.date:
    """The birth date of someone who turns `years` on `day` (29 Feb falls back to 28 Feb only
    in a year without one)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birthday(birth: dt.date, years: int) -> dt.date:
    """The day someone born on `birth` turns `years` (born 29 February: 1 March in a common
    year)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return dt.date(birth.year + years, 3, 1)


class PersonnummerError(ValueError):
    """The value is not a valid personnummer or samordningsnummer; str() is the message."""


@dataclass(frozen=True)
class Personnummer:
    number: str  # 12 digits, YYYYMMDDNNNN (samordningsnummer keep their day + 60)
    birth_date: dt.date
    is_coordination_number: bool

    @property
    def formatted(self) -> str:
        return f"{self.number[:8]}-{self.number[8:]}"

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)


def parse(value: str, *, today: dt.date | None = None) -> Personnummer:
    """Parse 10 or 12 digits, with or without - or +; raises PersonnummerError in Swedish."""
    today = today or timezone.localdate()
    match = _SHAPE_RE.match(_CLEAN_RE.sub("", value or ""))
    if not match:
        raise PersonnummerError(str(INVALID_FORMAT))
    century, yymmdd, separator, serial = match.groups()
    year2, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    coordination = day > 60
    real_day = day - 60 if coordination else day
    if century:
        year = int(century) * 100 + year2
    else:
        # The most recent year with these two digits; "+" means 100 years or older.
        year = (today.year // 100) * 100 + year2
        if year > today.year:
            year -= 100
        if separator == "+":
            year -= 100
    try:
        born = dt.date(year, month, real_day)
    except ValueError as exc:
        raise PersonnummerError(str(INVALID_DATE)) from exc
    if born > today:
        raise PersonnummerError(str(IN_FUTURE))
    try:
        luhn.validate(yymmdd + serial)
    except StdnumError as exc:
        raise PersonnummerError(str(INVALID_CHECKSUM)) from exc
    return Personnummer(
        number=f"{year:04d}{yymmdd[2:]}{serial}",
        birth_date=born,
        is_coordination_number=coordination,
    )


def looks_like_personnummer(text: str) -> bool:
    """True if a search string has the shape of a (partial) personnummer."""
    return bool(re.fullmatch(r"\d{6,8}[-+]?\d{0,4}", _CLEAN_RE.sub("", text)))


def search_key(text: str) -> str:
    """Digits of a typed personnummer without separators and century, for prefix search."""
    digits = re.sub(r"\D", "", text)
    return digits[2:] if len(digits) in (8, 12) else digits
