"""The "in KAA" figures from the daily period changes (PeriodDay), so that a year's
dashboard sums a few thousand rows instead of reading every period.

Youths in KAA on day D are the periods open on D: the sum of `opened - closed` over the days up
to D (a youth's periods never overlap: the register refuses it, so periods and youths count
the same). Periods overlapping [S, E] are those opened by E and not closed by S. A youth with
two periods in the span counts once, as in the live definitions: the youths whose later period
starts inside the span are few (re-registrations) and are counted live (`_repeats`).

`period_figures` returns what the dashboard reads, computed once per Scope. With
`KAA_STATS_PERIOD_SUMS` off every figure is counted live from the periods instead
(reporting.stats.definitions); a test computes both over varied data and compares.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from reporting.stats.models import PeriodDay
from reporting.stats.periods import months_back
from youth.models import KaaPeriod


def counted_periods() -> QuerySet[KaaPeriod]:
    """The periods that count in KAA's figures, live and in the sums: KAA's, never the
    extended responsibility's after 20 (the database's `kaa_period_counts` of migration
    reporting 0009 reads the same kind)."""
    return KaaPeriod.objects.kaa()


def sums_on() -> bool:
    """The daily sums are kept by PostgreSQL triggers; the embedded demo database (SQLite) has
    none, so there the figures are counted live."""
    if connection.vendor != "postgresql":
        return False
    return bool(getattr(settings, "KAA_STATS_PERIOD_SUMS", True))


def _sum(column: str, q: Q) -> Coalesce:
    return Coalesce(Sum(column, filter=q), Value(0), output_field=IntegerField())


def _open_on(day: dt.date, counted: Q) -> tuple[Coalesce, Coalesce]:
    return _sum("opened", counted & Q(day__lte=day)), _sum("closed", counted & Q(day__lte=day))


def period_figures(scope: Any) -> dict[str, Any]:
    """One grouped read of the scope's daily period changes (and one live count of repeated
    periods): youths in KAA at the span's end, during it, reached, and the 12-month trend."""
    if "period_figures" in scope.memo:
        return scope.memo["period_figures"]
    start, end = scope.start, scope.end
    kaa = Q(error=False)  # periods ended as registered in error never belonged to KAA
    every = Q()  # the monthly trend counts every period, as its definition always has
    months = months_back(end, 12)
    aggregates: dict[str, Any] = {}
    aggregates["end_o"], aggregates["end_c"] = _open_on(end, kaa)
    aggregates["span_o"], aggregates["span_c"] = (
        aggregates["end_o"],
        _sum("closed", kaa & Q(day__lte=start)),
    )
    aggregates["reached"] = _sum("reached", kaa & Q(day__lte=end))
    aggregates["reached_c"] = _sum("reached_closed", kaa & Q(day__lte=start))
    for i, m in enumerate(months):
        aggregates[f"m{i}_o"], aggregates[f"m{i}_c"] = _open_on(m.end, every)
        aggregates[f"m{i}_new"] = _sum("opened", Q(day__range=(m.start, m.end)))
    rows = PeriodDay.objects.filter(municipality_id=scope.municipality_id)
    if scope.team_id:
        rows = rows.filter(team_id=scope.team_id)
    got = rows.aggregate(**aggregates)
    repeats, repeats_reached = _repeats(scope)
    during = got["span_o"] - got["span_c"] - repeats
    figures = {
        "at_end": got["end_o"] - got["end_c"],
        "during": during,
        "reached": got["reached"] - got["reached_c"] - repeats_reached,
        "months": [
            {"month": m, "open": got[f"m{i}_o"] - got[f"m{i}_c"], "new": got[f"m{i}_new"]}
            for i, m in enumerate(months)
        ],
    }
    scope.memo["period_figures"] = figures
    return figures


def _repeats(scope: Any) -> tuple[int, int]:
    """Periods counted twice for one youth: a period starting inside the span after an
    earlier period of the same youth that also overlaps the span (and, for "reached", both
    reached by the span's end). Only periods starting inside the span are read."""
    kaa = ~Q(deregistration_reason__outside_target_group=True)
    earlier = counted_periods().filter(
        kaa,
        youth_id=OuterRef("youth_id"),
        start_date__lt=OuterRef("start_date"),
        end_date__gte=scope.start,
    )
    # The EXISTS in WHERE: PostgreSQL joins it (a semi-join over the few periods that ended
    # inside the span) instead of probing every period that starts in the span.
    got = (
        counted_periods()
        .filter(
            kaa, scope.youth_q("youth__"), start_date__gt=scope.start, start_date__lte=scope.end
        )
        .filter(Exists(earlier))
        .annotate(repeat_reached=Exists(earlier.filter(first_reached_on__isnull=False)))
        .aggregate(
            n=Count("id"),
            reached=Count("id", filter=Q(repeat_reached=True, first_reached_on__lte=scope.end)),
        )
    )
    return got["n"], got["reached"]
