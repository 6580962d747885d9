"""What managers and board reports see instead of exact counts (statistical disclosure control).

Coordinators may read every record of their municipality, so the dashboard shows them exact
figures. Managers may not read records, and board reports leave the system: for them every
figure passes through this module ("protected" below). W is ``KAA_SUPPRESS_BELOW`` (5).

The rules
---------
1. Bands, never exact counts. A protected count is shown as the band of W that holds it:
   0-4 as "<5", then "5–9", "10–14", "15–19" ... Tables, chart bars (drawn at the middle of
   the band; "<5" draws no bar), the numbers printed in the SVG, PDF and xlsx cells all come
   from the band alone, so two registers whose counts fall in the same bands give the same
   page, byte for byte.
2. 0 is "<5" too. If 0 were shown as 0, "<5" would mean "1-4", i.e. at least one, and a few
   such facts under a small total pin every one of them: a tertial with "<5" new
   registrations whose four months each show "<5" would have had exactly one a month. With 0
   inside the first band every hidden count can be 0, and an empty table looks like a small
   one (managers get no "none in the period" message).
3. Small rows are merged, so no small cell is ever alone beside a total (this is the
   complementary suppression). A breakdown (reasons, occupations, channels, coaches, teams,
   routine steps) lists a row on its own only when the row's count is at least W; all
   smaller rows together form one row "Övriga, färre än 5 vardera". That row is always
   there, also when it holds nothing, so its presence tells nothing. "A total minus the
   listed rows" therefore gives the Övriga row, which is shown anyway, never one category.
   Listed rows are ordered by band and then by name, not by their exact counts.
4. No group of a multiple of W parts under one published total (see "why" below): a
   breakdown never has a multiple of W rows (the lowest listed row joins Övriga instead),
   and a table whose columns add up to a published figure never has a multiple of W
   columns (the last two are shown together; the contact-age table has 4 columns).
5. Shares are shown only when both the part and the rest are at least W, rounded to the
   nearest 10 % (a 1 % share of two banded counts can pin them: "96 %" of "20–24" reached
   means exactly one not reached). Otherwise "–". A median is shown only over at least W.
6. Managers choose only the preset periods (month, tertial, half-year, school year, calendar
   year), all unions of whole calendar months; a custom date range is refused with a
   message (reporting.stats.forms.StatsPeriodForm). No figure can be asked for a day or a part of
   a month, and no preset total is ever the sum of 5 or 10 preset parts (a year cut into h
   half-years, t tertials and single months has 12 - 5h - 3t parts: 12, 9, 7, 6, 4, 3 or 2;
   a half-year 6 or 3; a tertial 4).

Why differencing does not work
------------------------------
A shown figure says only "the count lies in [kW, kW + W - 1]". Take any two figures whose
difference is a third count X (a tertial minus one of its months; a half-year minus a
tertial; the municipality minus a team; a total minus the Övriga row): A - B lies in
[(a - b)W - (W - 1), (a - b)W + (W - 1)], 2W - 1 values that hold X's whole band or all of it
but its lowest value. So the difference of two shown figures never pins X; at most it tells
that X is not the lowest value of its band (for "<5": not 0).

With more parts, a total T = X + P1 + ... + Pn gives X >= low(T) - high(P1) - ... The bound
is tight only if T sits at the bottom of its band and every part at the top of its band, and
because the bands are aligned on multiples of W that is possible only when the number of
parts (X included) is a multiple of W (five parts of exactly 4 under a total of exactly 20
all equal 4). Rule 4 and the presets of rule 6 keep every group the page itself forms away
from such sizes, and even then such a bound pins only the top of a band (a 4), never a 1.

What remains, and is accepted: groups whose size the municipality decides (exactly five
teams, everyone in a team, every team's figure at the top of its band and the municipality's
at the bottom); combinations of several relations that are all tight at once; and watching
the running month change from one day to the next (a change shows only when it moves a
figure across a band boundary). None of these lets anyone choose what becomes exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.conf import settings
from django.utils.translation import gettext as _

Row = TypeVar("Row")


def threshold() -> int:
    return int(getattr(settings, "KAA_SUPPRESS_BELOW", 5))


def band(value: int) -> tuple[int, int]:
    """The band of width W that holds `value`: (lowest, highest)."""
    w = threshold()
    low = (value // w) * w
    return low, low + w - 1


class Number:
    """A count as shown: exact, or (protected) the band that holds it."""

    def __init__(self, value: int | None, *, suppress: bool) -> None:
        self.value = value or 0
        self.protected = suppress and threshold() > 1

    def __str__(self) -> str:
        if not self.protected:
            return str(self.value)
        low, high = band(self.value)
        return f"<{threshold()}" if low == 0 else f"{low}–{high}"

    @property
    def bar(self) -> int:
        """The value a chart may draw: the exact count, or the middle of its band ("<5" and
        0 draw nothing)."""
        if not self.protected:
            return self.value
        low, high = band(self.value)
        return 0 if low == 0 else (low + high) // 2


def share(part: int, whole: int, *, suppress: bool) -> str:
    """A percentage: exact to 1 %, or (protected) to the nearest 10 % and only when both the
    part and the rest are at least W; otherwise "–"."""
    if not whole:
        return "–"
    if not suppress or threshold() <= 1:
        return f"{round(100 * part / whole)} %"
    if part < threshold() or whole - part < threshold():
        return "–"
    return f"{int(10 * part / whole + 0.5) * 10} %"


def median_shown(count: int, *, suppress: bool) -> bool:
    """Whether a median over `count` values may be shown."""
    return not suppress or count >= threshold()


def small_label() -> str:
    return _("Övriga, färre än %(n)s vardera") % {"n": threshold()}


def merge_small(
    rows: Sequence[Row],
    *,
    size: Callable[[Row], int],
    name: Callable[[Row], str],
    combine: Callable[[list[Row]], Row],
    suppress: bool,
) -> list[Row]:
    """A breakdown as shown: unchanged for exact figures; protected, the rows of at least W
    by band and name, then one row made by `combine` of all the others (always present), so
    that the number of rows is never a multiple of W."""
    if not suppress or threshold() <= 1:
        return list(rows)
    w = threshold()
    listed = sorted((r for r in rows if size(r) >= w), key=lambda r: (-band(size(r))[0], name(r)))
    merged = [r for r in rows if size(r) < w]
    while listed and (len(listed) + 1) % w == 0:
        merged.append(listed.pop())
    return [*listed, combine(merged)]


def merge_columns(
    headers: list[str], rows: list[list[int]], *, suppress: bool
) -> tuple[list[str], list[list[int]]]:
    """Columns that add up to a published figure: protected, never a multiple of W of them
    (the last two are shown together)."""
    if not suppress or threshold() <= 1:
        return headers, rows
    headers, rows = list(headers), [list(r) for r in rows]
    while len(headers) > 1 and len(headers) % threshold() == 0:
        last = headers.pop()
        headers[-1] = _("%(a)s eller %(b)s") % {"a": headers[-1], "b": last}
        for r in rows:
            tail = r.pop()
            r[-1] += tail
    return headers, rows


def note() -> str:
    """What a protected figure shows, in one place for the page, the PDF and the xlsx."""
    return _(
        "Antal visas i intervall om %(n)s (till exempel 10–14), och färre än %(n)s, även "
        "0, som ”<%(n)s”. Rader med färre än %(n)s ingår i raden ”Övriga, färre än %(n)s "
        "vardera”. Andelar är avrundade till tiotal procent och visas bara när både delen "
        "och resten är minst %(n)s. Så kan ingen siffra peka ut eller räknas om till en "
        "enskild ungdom."
    ) % {"n": threshold()}
