"""Reading numbers and dates from a request: one place, and never a server error.

A query or form parameter is typed by whoever sends the request. `str.isdigit()` is true for
'²' and other digits `int()` refuses, a 25-digit id overflows every database integer, and a
valid date such as 9999-12-31 overflows as soon as a day is added to it. The helpers here
accept ASCII digits of a size the database can hold and dates within DATE_MIN..DATE_MAX, and
give the default for anything else; `BadParameter` (a 400) is for the callers that must refuse
instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, overload

from django.core.exceptions import BadRequest, ValidationError
from django.utils.translation import gettext as _

# The largest value of a PostgreSQL bigint (every id column of KAA fits in it).
ID_MAX = 2**63 - 1
# Dates anyone can mean in a case of a youth aged 16-19 and their guardians; far enough from
# the ends of Python's and PostgreSQL's date types that arithmetic on them cannot overflow.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)

_INT_RE = re.compile(r"-?[0-9]{1,19}")  # ASCII only: re's [0-9], unlike \d, is not unicode
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadParameter(BadRequest):
    """A parameter that must be right is not: answered with 400."""


def to_int(value: Any, *, min_value: int = 0, max_value: int = ID_MAX) -> int | None:
    """`value` as an int if it is plain ASCII digits within [min_value, max_value], else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if min_value <= number <= max_value else None


def to_date(
    value: Any, *, min_value: dt.date = DATE_MIN, max_value: dt.date = DATE_MAX
) -> dt.date | None:
    """`value` (YYYY-MM-DD) as a date within [min_value, max_value], else None."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str) and _DATE_RE.fullmatch(value.strip()):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, dt.date):
        return None
    return value if min_value <= value <= max_value else None


@overload
def int_param(
    params: Mapping[str, Any],
    name: str,
    default: int,
    *,
    min_value: int = 0,
    max_value: int = ID_MAX,
    required: bool = False,
) -> int: ...
@overload
def int_param(
    params: Mapping[str, Any],
    name: str,
    default: None = None,
    *,
    min_value: int = 0,
    max_value: int = ID_MAX,
    required: bool = False,
) -> int | None: ...
def int_param(
    params: Mapping[str, Any],
    name: str,
    default: int | None = None,
    *,
    min_value: int = 0,
    max_value: int = ID_MAX,
    required: bool = False,
) -> int | None:
    """An integer parameter of request.GET or request.POST; `default` when it is missing or
    not a number in range, or BadParameter (400) when `required`."""
    number = to_int(params.get(name, ""), min_value=min_value, max_value=max_value)
    if number is None:
        if required:
            raise BadParameter(f"parameter {name!r} is not a number in range")
        return default
    return number


def date_param(
    params: Mapping[str, Any],
    name: str,
    default: dt.date | None = None,
    *,
    min_value: dt.date = DATE_MIN,
    max_value: dt.date = DATE_MAX,
    required: bool = False,
) -> dt.date | None:
    """A date parameter (YYYY-MM-DD); `default` when missing or not a date in range, or
    BadParameter (400) when `required`."""
    day = to_date(params.get(name, ""), min_value=min_value, max_value=max_value)
    if day is None:
        if required:
            raise BadParameter(f"parameter {name!r} is not a date in range")
        return default
    return day


def int_list(values: Iterable[Any], *, min_value: int = 1, max_value: int = ID_MAX) -> list[int]:
    """The ids among `values` (e.g. request.POST.getlist("id")); anything else is left out."""
    numbers = (to_int(v, min_value=min_value, max_value=max_value) for v in values)
    return [n for n in numbers if n is not None]


def validate_date_range(value: dt.date | dt.datetime) -> None:
    """Form validator: a date between DATE_MIN and DATE_MAX."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            _("Ange ett datum mellan %(min)s och %(max)s.")
            % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
            code="date_out_of_range",
        )


class IdConverter:
    """`<id:pk>` in a URL: up to 18 ASCII digits, so that every id the route accepts fits a
    bigint; a longer number does not match and the answer is 404 before any view runs."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(int(value))
