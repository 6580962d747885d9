"""The "in KAA" figures read from the daily period changes (PeriodDay, kept by the database)
are exactly the figures counted live from the periods, over varied registers and spans."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest
from django.db import connection

from reporting.models import PeriodDay
from reporting.stats import definitions as d
from reporting.stats.periods import containing, date_range, span_of
from tests.factories import TeamFactory
from tests.reporting.conftest import Builder, D
from youth.models import KaaPeriod, Reason, Youth

FIGURES = ["in_kaa_at_end", "in_kaa_during", "reached", "monthly_trend"]
REGS = ["AVBROTT_NATIONELLT"]
DEREGS = ["PABORJAT_NATIONELLT_EL_MOTSV", "FELREGISTRERAD"]


def _register(builder: Builder, rng: random.Random, teams: list, youths: int) -> None:
    """Youths with one to three periods each (never overlapping, as the register keeps them):
    closed or open, some ended as registered in error, some reached on a day inside."""
    for n in range(youths):
        youth = builder.youth(
            f"Ung {n}", born=D(2008, 1, 1) + dt.timedelta(days=rng.randrange(700))
        )
        youth.team = rng.choice(teams)
        youth.save(update_fields=["team"])
        day = D(2024, 6, 1) + dt.timedelta(days=rng.randrange(700))
        for _ in range(rng.choice([1, 1, 2, 3])):
            last = rng.random() < 0.4
            end = None if last else day + dt.timedelta(days=rng.choice([0, 1, 20, 90, 200]))
            dereg = None
            if end is not None:
                dereg = DEREGS[1] if rng.random() < 0.15 else DEREGS[0]
            period = builder.period(youth, day, end=end, dereg=dereg)
            if rng.random() < 0.6:
                latest = end or D(2027, 3, 1)
                period.first_reached_on = day + dt.timedelta(
                    days=rng.randrange((latest - day).days + 1)
                )
                period.save(update_fields=["first_reached_on"])
            if end is None:
                break
            day = end + dt.timedelta(days=rng.choice([1, 2, 30, 120]))


def _spans() -> list:
    spans = [span_of("month", y, m) for y in (2024, 2025, 2026) for m in range(1, 13, 2)]
    spans += [span_of("tertial", 2025, n) for n in (1, 2, 3)]
    spans += [span_of("half_year", 2026, n) for n in (1, 2)]
    spans += [span_of("year", y) for y in (2024, 2025, 2026, 2027)]
    spans += [span_of("school_year", 2025)]
    spans += [date_range(D(2025, 3, 17), D(2026, 2, 2)), date_range(D(2026, 5, 5), D(2026, 5, 5))]
    return spans


def _figures(municipality, spans, team_ids, settings, *, sums: bool) -> list:
    settings.KAA_STATS_PERIOD_SUMS = sums
    out = []
    for team_id in team_ids:
        for span in spans:
            scope = d.Scope(municipality.pk, span, team_id, today=D(2026, 12, 4))
            out.append((span, team_id, {k: d.REGISTRY[k].compute(scope) for k in FIGURES}))
    return out


def _rebuilt() -> list:
    """The rows as a rebuild from scratch makes them (zero rows left out)."""

    def rows() -> list:
        return sorted(
            (
                r.municipality_id,
                r.team_id or 0,
                r.team_id,
                r.day,
                r.error,
                r.opened,
                r.closed,
                r.reached,
                r.reached_closed,
            )
            for r in PeriodDay.objects.all()
            if (r.opened, r.closed, r.reached, r.reached_closed) != (0, 0, 0, 0)
        )

    kept = rows()
    with connection.cursor() as cursor:
        cursor.execute("SELECT kaa_period_days_rebuild()")
    return [kept, rows()]


@pytest.mark.parametrize("seed", [1, 2])
def test_figures_from_the_sums_equal_counting_live(
    municipality, other_municipality, coordinator, settings, seed
):
    rng = random.Random(seed)
    teams = [TeamFactory(municipality=municipality, name=f"T{i}") for i in range(2)] + [None]
    builder = Builder(municipality, coordinator)
    _register(builder, rng, teams, 70)
    _register(Builder(other_municipality, coordinator), rng, [None], 10)
    # Later changes of every kind, as services, bulk updates and raw SQL make them.
    youths = list(Youth.objects.filter(municipality=municipality).order_by("pk"))
    for youth in rng.sample(youths, 8):  # moved to another team
        youth.team = rng.choice(teams)
        youth.save(update_fields=["team"])
    Youth.objects.filter(pk=youths[0].pk).update(municipality=other_municipality)
    open_ids = list(
        KaaPeriod.objects.filter(youth__municipality=municipality, end_date__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    KaaPeriod.objects.filter(pk__in=open_ids[:5]).update(
        end_date=D(2026, 11, 30),
        deregistration_reason=Reason.objects.get(kind="deregistration", code=DEREGS[0]),
    )
    KaaPeriod.objects.filter(pk__in=open_ids[5:8]).update(first_reached_on=None)
    KaaPeriod.objects.filter(pk=open_ids[8]).delete()
    only = KaaPeriod.objects.filter(pk__in=open_ids[9:]).exclude(
        youth__periods__end_date__isnull=False
    )  # moved earlier without overlapping an earlier period of the youth
    KaaPeriod.objects.filter(pk=only.order_by("pk").values_list("pk", flat=True)[0]).update(
        start_date=D(2024, 1, 10)
    )
    spans = _spans()
    team_ids = [None, teams[0].pk]
    summed = _figures(municipality, spans, team_ids, settings, sums=True)
    live = _figures(municipality, spans, team_ids, settings, sums=False)
    for a, b in zip(summed, live, strict=True):
        assert a == b
    assert any(f["in_kaa_during"] > f["in_kaa_at_end"] > 0 for _s, _t, f in live)
    assert any(f["reached"]["reached"] > 0 for _s, _t, f in live)
    # A reason becoming "registered in error" (or no longer) moves its periods in the sums.
    error = Reason.objects.get(kind="deregistration", code=DEREGS[1])
    error.outside_target_group = False
    error.save(update_fields=["outside_target_group"])
    assert _figures(municipality, spans, team_ids, settings, sums=True) == _figures(
        municipality, spans, team_ids, settings, sums=False
    )
    kept, rebuilt = _rebuilt()
    assert kept == rebuilt


def test_a_repeated_registration_in_the_span_counts_the_youth_once(
    municipality, coordinator, settings
):
    builder = Builder(municipality, coordinator)
    youth = builder.youth("Två Perioder")
    first = builder.period(youth, D(2026, 1, 10), end=D(2026, 3, 1), dereg=DEREGS[0])
    second = builder.period(youth, D(2026, 5, 1))
    KaaPeriod.objects.filter(pk__in=[first.pk, second.pk]).update(first_reached_on=D(2026, 1, 20))
    KaaPeriod.objects.filter(pk=second.pk).update(first_reached_on=D(2026, 5, 2))
    settings.KAA_STATS_PERIOD_SUMS = True
    year = d.Scope(municipality.pk, span_of("year", 2026))
    assert d.in_kaa_during(year) == 1
    assert d.reached(year) == {"reached": 1, "not_reached": 0}
    assert d.in_kaa_at_end(year) == 1
    april = d.Scope(municipality.pk, containing("month", D(2026, 4, 1)))
    assert (d.in_kaa_during(april), d.in_kaa_at_end(april)) == (0, 0)


def test_the_sums_read_one_query_for_the_figures_and_one_for_repeats(
    municipality, coordinator, settings, django_assert_num_queries
):
    builder = Builder(municipality, coordinator)
    for n in range(30):
        builder.period(builder.youth(f"Ung {n}"), D(2025, 1, 1) + dt.timedelta(days=n * 9))
    settings.KAA_STATS_PERIOD_SUMS = True
    scope = d.Scope(municipality.pk, span_of("year", 2026))
    with django_assert_num_queries(2):
        figures = [d.REGISTRY[k].compute(scope) for k in FIGURES]
    assert figures[0] == 30


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_on_the_same_day_are_all_counted(municipality, coordinator):
    """Writers in parallel transactions add to the same day's row; none is lost."""
    builder = Builder(municipality, coordinator)
    youths = [builder.youth(f"Samtidig {n}") for n in range(8)]
    errors: list[Exception] = []
    barrier = threading.Barrier(4)

    def worker(mine: list) -> None:
        try:
            barrier.wait(10)
            for youth in mine:
                builder.period(youth, D(2026, 6, 1), end=D(2026, 6, 30), dereg=DEREGS[0])
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(youths[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    row = PeriodDay.objects.get(municipality=municipality, day=D(2026, 6, 1))
    assert row.opened == 8
    assert PeriodDay.objects.get(municipality=municipality, day=D(2026, 7, 1)).closed == 8
    june = d.Scope(municipality.pk, span_of("month", 2026, 6))
    assert d.in_kaa_at_end(june) == 8
