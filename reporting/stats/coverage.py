"""Coverage as the SCB page and the statistics show it: how many persons the registers put in
the target group (the latest identification run's date, over the stored sources), how many of
them are in the KAA register, and the reverse. Counts only; the lists behind them are the
identification pages (coordinators). For those who get protected figures (managers) every
count is a band and the share is rounded (reporting.stats.suppress)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kaa.models import Municipality
from reporting.stats.suppress import Number, share
from youth.identification import selectors as identification


@dataclass
class CoverageShown:
    on: dt.date
    in_group: Number
    registered: Number
    missing: Number
    outside: Number
    percent: str
    complete: bool
    links: bool  # the lists may be opened (coordinators)


def coverage_shown(
    *, municipality: Municipality, suppress: bool, links: bool
) -> CoverageShown | None:
    """None before the first identification run."""
    coverage = identification.coverage(municipality=municipality)
    if coverage is None:
        return None
    if suppress:
        percent = share(coverage.registered, coverage.in_group, suppress=True)
    else:
        percent = "–" if coverage.percent is None else f"{coverage.percent} %"
    return CoverageShown(
        on=coverage.run.on,
        in_group=Number(coverage.in_group, suppress=suppress),
        registered=Number(coverage.registered, suppress=suppress),
        missing=Number(coverage.missing, suppress=suppress),
        outside=Number(coverage.outside, suppress=suppress),
        percent=percent,
        complete=coverage.complete,
        links=links and not suppress,
    )
