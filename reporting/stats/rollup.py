"""Daily sums of contacts, so that a year of statistics reads a few thousand rows instead of
every contact (bench/RESULTS.md).

One grouping function, `contact_groups`, is used both to build the sums and to count the days
not summed yet, so the two can never disagree. Days are summed up to `WINDOW_DAYS` before
today (later contacts can still change "led to contact" for them); a contact or occupation
saved for an already summed day re-sums those days in the background.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone

from kaa.lib.days import day_after, day_start
from kaa.lib.joblock import xact_lock
from kaa.models import Municipality
from outreach.models import LED_TO_CONTACT_DAYS, ContactAttempt
from reporting.stats.models import ContactDay, RollupState
from youth.models import KaaPeriod, Occupation

WINDOW_DAYS = LED_TO_CONTACT_DAYS + 1
REACHED = ContactAttempt.Outcome.REACHED
DIMS = ("channel", "direction", "outcome", "age", "occupation_id", "led")


def contact_groups(
    *, municipality_id: int, start: dt.date, end: dt.date, team_id: int | None = None
) -> Any:
    """Contacts of [start, end] grouped by team, day, channel, direction, outcome, the youth's
    age that day, the occupation valid that day (reached contacts) and led-to-contact."""
    day = TruncDate("at")
    birth = F("youth__birth_date")
    before_birthday = Case(
        When(
            Q(c_month__lt=ExtractMonth(birth))
            | Q(c_month=ExtractMonth(birth), c_day__lt=ExtractDay(birth)),
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    occupation = Subquery(
        Occupation.objects.filter(
            youth_id=OuterRef("youth_id"), confirmed=True, start_date__lte=OuterRef("day")
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("day")))
        .order_by("-start_date", "-id")
        .values("type_id")[:1]
    )
    # Contacts inside a UKAA period are outside the KAA figures.
    qs = ContactAttempt.objects.filter(
        youth__municipality_id=municipality_id, at__gte=day_start(start), at__lt=day_after(end)
    ).exclude(period__kind=KaaPeriod.Kind.UKAA)
    if team_id:
        qs = qs.filter(youth__team_id=team_id)
    return (
        qs.annotate(
            day=day, c_year=ExtractYear(day), c_month=ExtractMonth(day), c_day=ExtractDay(day)
        )
        .annotate(
            age=F("c_year") - ExtractYear(birth) - before_birthday,
            occupation_id=Case(
                When(outcome=REACHED, then=occupation), default=None, output_field=IntegerField()
            ),
            led=F("led_to_contact"),
        )
        .values("youth__team_id", "day", *DIMS)
        .annotate(n=Count("id"))
        .order_by()
    )


def built_through(municipality_id: int) -> dt.date | None:
    return (
        RollupState.objects.filter(municipality_id=municipality_id)
        .values_list("built_through", flat=True)
        .first()
    )


def contact_rows(
    *, municipality_id: int, start: dt.date, end: dt.date, team_id: int | None = None
) -> list[dict[str, Any]]:
    """Grouped contacts of the span: summed days from ContactDay, the rest live."""
    rows: list[dict[str, Any]] = []
    live_from = start
    built = built_through(municipality_id)
    if built is not None and built >= start:
        upto = min(built, end)
        summed = ContactDay.objects.filter(
            municipality_id=municipality_id, day__range=(start, upto)
        )
        if team_id:
            summed = summed.filter(team_id=team_id)
        rows += list(summed.values(*DIMS).annotate(n=Sum("n")).order_by())
        live_from = upto + dt.timedelta(days=1)
    if live_from <= end:
        rows += [
            {k: r[k] for k in (*DIMS, "n")}
            for r in contact_groups(
                municipality_id=municipality_id, start=live_from, end=end, team_id=team_id
            )
        ]
    return rows


@transaction.atomic
def rollup_days(*, municipality_id: int, start: dt.date, end: dt.date) -> int:
    """(Re)sum the days [start, end] of one municipality; returns the rows written. Two runs
    for the same municipality take turns (each deletes, then writes its sums: at the same time
    the second delete would miss the first one's rows and count the contacts twice)."""
    xact_lock("reporting.rollup_days", municipality_id)
    ContactDay.objects.filter(municipality_id=municipality_id, day__range=(start, end)).delete()
    rows = [
        ContactDay(
            municipality_id=municipality_id,
            team_id=r["youth__team_id"],
            day=r["day"],
            n=r["n"],
            **{k: r[k] for k in DIMS},
        )
        for r in contact_groups(municipality_id=municipality_id, start=start, end=end)
    ]
    ContactDay.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def rollup_refresh(*, today: dt.date) -> int:
    """Nightly: sum every municipality's days up to WINDOW_DAYS before today (idempotent;
    the first run sums the whole history, a month at a time)."""
    target = today - dt.timedelta(days=WINDOW_DAYS)
    written = 0
    for municipality in Municipality.objects.all():
        state, _created = RollupState.objects.get_or_create(municipality=municipality)
        start = (
            state.built_through + dt.timedelta(days=1)
            if state.built_through
            else (_first_contact_day(municipality.pk) or target + dt.timedelta(days=1))
        )
        while start <= target:
            stop = min(target, start + dt.timedelta(days=31))
            written += rollup_days(municipality_id=municipality.pk, start=start, end=stop)
            start = stop + dt.timedelta(days=1)
        state.built_through = target
        state.save(update_fields=["built_through"])
    return written


def _first_contact_day(municipality_id: int) -> dt.date | None:
    first = (
        ContactAttempt.objects.filter(youth__municipality_id=municipality_id)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localtime(first).date() if first else None
