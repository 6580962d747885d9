"""Sweden's municipalities as SCB codes them (kommunkoder): all 290, shipped in
kaa/data/kommuner.csv (code, name, county code, county). A municipality is added to KAA only
under its official code and name, so that a mistyped code never files a municipality's youths
and SCB reports under another's."""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "kommuner.csv"
COUNT = 290


@dataclass(frozen=True)
class Kommun:
    code: str
    name: str
    county_code: str
    county: str


class NotOfficial(ValueError):
    """A code that is no municipality's, or a name that is not that code's."""


@functools.cache
def official() -> dict[str, Kommun]:
    """Every municipality by its four-digit code."""
    with DATA.open(encoding="utf-8", newline="") as file:
        rows = [
            Kommun(row["kod"], row["namn"], row["lanskod"], row["lan"])
            for row in csv.DictReader(file)
        ]
    return {row.code: row for row in rows}


def _plain(name: str) -> str:
    """A name as it is compared: case and spacing aside, a hyphen as a space, and
    "Askersunds kommun" as "Askersund"."""
    text = re.sub(r"[\s\-]+", " ", name).strip().casefold()
    text = re.sub(r"\s+kommun$", "", text)
    return text


def _matches(given: str, official_name: str) -> bool:
    plain, wanted = _plain(given), _plain(official_name)
    return plain == wanted or (plain == wanted + "s" and given.casefold().endswith("kommun"))


def official_check(code: str, name: str) -> Kommun:
    """The municipality with this code, if `name` is its name; else NotOfficial saying what
    the code and the name are."""
    code = code.strip()
    entry = official().get(code)
    if entry is not None and _matches(name, entry.name):
        return entry
    by_name = [k for k in official().values() if _matches(name, k.name)]
    hint = f" {by_name[0].name} has code {by_name[0].code}." if by_name else ""
    if entry is None:
        raise NotOfficial(
            f"{code} is not a Swedish municipality code (SCB's kommunkoder, "
            f"four digits, e.g. 1882 for Askersund).{hint}"
        )
    raise NotOfficial(
        f"Municipality code {code} is {entry.name} ({entry.county}), not {name.strip()}.{hint}"
    )
