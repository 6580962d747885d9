"""Benchmark of identification at national scale: a population store of 500,000 persons and
1,000,000 enrolment rows, generated in SQL, then one run of the rule against the register
(`run_identification`, what the nightly job and "Kör nu" do), timed beside the rule's count
query alone and a plain SQL join of the same tables (the physical limit).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaa_bench \\
        .venv/bin/python -m bench.identification --persons 500000 --enrolments 1000000

The data go into municipality 9001 of the given database (created and migrated if missing;
an earlier load of the same size is reused). Ages 15-20 spread evenly; each person has an
ended compulsory-school enrolment, and from the autumn of the 16th year an upper-secondary one
(about 94 %; some cancelled, some ended early) or komvux; 1 in 50 lives in another
municipality and 1 in 400 has emigrated. The register is empty, so every person in the group
becomes a proposal: the heaviest run there is. Each run is rolled back so reruns are equal.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

from bench.scb_export import _database_ensure, _django

CODE = "9001"
# Person i (1..persons): birth date spread over six years back from the run's date.
BIRTH = "(%(on)s::date - (15 * 365 + ((i::bigint * 7919) %% (6 * 365))::int))"
POPULATION_SQL = f"""
INSERT INTO youth_populationrecord
  (municipality_id, personnummer, birth_date, is_coordination_number, past_compulsory_on,
   turns_20_on, first_name, last_name, municipality_code, registered_on, secrecy, protected,
   deregistration_code, deregistration_date, referral_personnummer, address, postal_code,
   city, guardians, delivery_id, position)
SELECT %(municipality)s, lpad(i::text, 12, '0'), b.birth, FALSE,
       make_date(extract(year FROM b.birth)::int + 16, 7, 1),
       (b.birth + interval '20 years')::date, 'Förnamn', 'Efternamn' || i,
       CASE WHEN i %% 50 = 0 THEN '0180' ELSE %(code)s END, DATE '2008-01-01', FALSE,
       i %% 997 = 0, CASE WHEN i %% 400 = 0 THEN 'UV' ELSE '' END,
       CASE WHEN i %% 400 = 0 THEN DATE '2025-01-01' END, '', 'Gatan ' || i, '12345', 'Orten',
       '[]'::jsonb, %(delivery)s, i
FROM generate_series(1, %(persons)s) AS i, LATERAL (SELECT {BIRTH} AS birth) b
"""  # noqa: S608  # nosec B608  constant fragments, the values are parameters
# Row j: person ((j - 1) %% persons) + 1; the first pass gives each person grundskola, the
# following passes gymnasieskola (or komvux for 1 in 16; 1 in 101 cancelled, 1 in 37 ended).
ENROLMENT_SQL = f"""
INSERT INTO youth_enrolmentrecord
  (source_id, delivery_id, position, personnummer, school_unit, school_type, programme,
   start_date, end_date, cancelled)
SELECT %(source)s, %(delivery)s, j, lpad(i::text, 12, '0'), 'Skolenhet ' || (i %% 900),
       CASE WHEN j <= %(persons)s THEN 'GR' WHEN i %% 16 = 0 THEN 'KOMVUX' ELSE 'GY' END,
       CASE WHEN j <= %(persons)s THEN '' ELSE 'NA' END,
       CASE WHEN j <= %(persons)s THEN (b.birth + interval '7 years')::date
            ELSE make_date(extract(year FROM b.birth)::int + 16, 8, 18) END,
       CASE WHEN j <= %(persons)s THEN make_date(extract(year FROM b.birth)::int + 16, 6, 10)
            WHEN i %% 37 = 0 THEN make_date(extract(year FROM b.birth)::int + 17, 3, 1)
            ELSE make_date(extract(year FROM b.birth)::int + 19, 6, 10) END,
       j > %(persons)s AND i %% 101 = 0
FROM generate_series(1, %(enrolments)s) AS j,
     LATERAL (SELECT ((j - 1) %% %(persons)s) + 1 AS i) p,
     LATERAL (SELECT {BIRTH} AS birth) b
"""  # noqa: S608  # nosec B608  constant fragments, the values are parameters
# The steady state of a nightly run: everyone the rule puts in the group already has an open
# KAA period (registered straight in SQL, inside the measuring transaction).
REGISTER_GROUP_SQL = """
WITH f AS ({facts}), g AS (SELECT f.id FROM f WHERE {in_group})
INSERT INTO youth_youth
  (created_at, updated_at, archive_reason, personnummer, pnr_short, birth_date,
   is_coordination_number, first_name, last_name, address, postal_code, city, phone,
   phone_alt, email, protected_identity, former_school, status, in_measure, missing_guardian,
   version, municipality_id, restriction_reason)
SELECT now(), now(), '', p.personnummer, substr(p.personnummer, 3), p.birth_date, FALSE,
       p.first_name, p.last_name, p.address, p.postal_code, p.city, '', '', '', p.protected,
       '', 'not_reached', FALSE, FALSE, 1, p.municipality_id, ''
FROM g JOIN youth_populationrecord p ON p.id = g.id
"""  # noqa: S608  # nosec B608  constant fragments, the values are parameters
PERIOD_SQL = """
INSERT INTO youth_kaaperiod (created_at, updated_at, archive_reason, kind, start_date,
                             registration_reason_id, youth_id)
SELECT now(), now(), '', 'kaa', %(on)s::date - 30,
       (SELECT MIN(id) FROM youth_reason WHERE kind = 'registration'), y.id
FROM youth_youth y WHERE y.municipality_id = %(municipality)s
"""
JOIN_SQL = """
SELECT COUNT(DISTINCT p.id), COUNT(e.id)
FROM youth_populationrecord p
LEFT JOIN youth_enrolmentrecord e ON e.personnummer = p.personnummer
WHERE p.municipality_id = %(municipality)s
"""


def load(*, persons: int, enrolments: int, code: str = CODE) -> None:
    """The population store and one enrolment source of `code`, unless already that size."""
    from django.db import connection, transaction
    from django.utils import timezone

    from kaa.models import Municipality
    from youth.identification.models import (
        EnrolmentRecord,
        PopulationRecord,
        Source,
        SourceDelivery,
    )

    municipality, _ = Municipality.objects.get_or_create(
        code=code, defaults={"name": "Bench nation"}
    )
    enrolment_source = Source.objects.filter(municipality=municipality, kind="enrolment").first()
    if (
        PopulationRecord.objects.filter(municipality=municipality).count() == persons
        and enrolment_source is not None
        and EnrolmentRecord.objects.filter(source=enrolment_source).count() == enrolments
    ):
        return
    on = timezone.localdate()
    started = time.perf_counter()
    with transaction.atomic():
        EnrolmentRecord.objects.filter(source__municipality=municipality).delete()
        PopulationRecord.objects.filter(municipality=municipality).delete()
        population = Source.objects.get_or_create(
            municipality=municipality, kind="population", name="Navet"
        )[0]
        schools = Source.objects.get_or_create(
            municipality=municipality, kind="enrolment", name="Skolorna"
        )[0]
        deliveries = {
            source.pk: SourceDelivery.objects.create(
                source=source,
                format=fmt,
                filename="bench",
                arrived_at=timezone.now(),
                effective_date=on,
                rows_read=rows,
                rows_stored=rows,
            )
            for source, fmt, rows in (
                (population, "population_csv", persons),
                (schools, "enrolment_list", enrolments),
            )
        }
        params = {
            "municipality": municipality.pk,
            "code": code,
            "on": on,
            "persons": persons,
            "enrolments": enrolments,
            "source": schools.pk,
            "delivery": deliveries[population.pk].pk,
        }
        with connection.cursor() as cursor:
            cursor.execute(POPULATION_SQL, params)
            cursor.execute(ENROLMENT_SQL, params | {"delivery": deliveries[schools.pk].pk})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE youth_populationrecord")
        cursor.execute("ANALYZE youth_enrolmentrecord")
    print(
        f"loaded {persons} persons, {enrolments} enrolments in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )


def measure(
    *, code: str = CODE, steady: bool = True, empty: bool = True
) -> dict[str, float | int]:
    """One run (rolled back), the rule's count query alone and the plain join; seconds, the
    Python heap's peak in MB during a second, traced run, and the run's counts."""
    from django.db import connection, transaction
    from django.utils import timezone

    from kaa.models import Municipality
    from youth.identification import diff, services

    municipality = Municipality.objects.get(code=code)
    on = timezone.localdate()
    params = {"code": municipality.code, "on": on, "municipality": municipality.pk}
    connection.ensure_connection()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(JOIN_SQL, params)
        persons, enrolment_rows = cursor.fetchone()
    join_s = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(diff.COUNT_SQL, params)
        in_group, _registered = cursor.fetchone()
    rule_s = time.perf_counter() - started
    run_s = peak_mb = 0.0
    proposals = 0
    if empty:
        # Timed without tracemalloc (which slows Python down several times); the heap's peak
        # comes from a second, traced run of the same.
        for traced in (False, True):
            if traced:
                tracemalloc.start()
            started = time.perf_counter()
            with transaction.atomic():
                run = services.run_identification(municipality=municipality, on=on, actor=None)
                if not traced:
                    run_s = time.perf_counter() - started
                proposals = run.new + run.leaving + run.changed
                transaction.set_rollback(True)
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    registered_s = proposals_steady = 0.0
    if steady:
        from youth.identification import rule

        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                REGISTER_GROUP_SQL.format(facts=rule.FACTS_SQL, in_group=rule.IN_GROUP_SQL), params
            )
            cursor.execute(PERIOD_SQL, params)
            cursor.execute("ANALYZE youth_youth")
            cursor.execute("ANALYZE youth_kaaperiod")
            started = time.perf_counter()
            steady_run = services.run_identification(municipality=municipality, on=on, actor=None)
            registered_s = time.perf_counter() - started
            proposals_steady = steady_run.new + steady_run.leaving + steady_run.changed
            transaction.set_rollback(True)
    result = {
        "persons": persons,
        "join_rows": enrolment_rows,
        "in_group": in_group,
        "proposals": proposals,
        "join_s": join_s,
        "rule_s": rule_s,
        "run_s": run_s,
        "peak_mb": peak_mb,
        "steady_s": registered_s,
        "steady_proposals": proposals_steady,
    }
    print(
        "| persons | join rows | in group | proposals | plain join s | rule count s | "
        "run s | run / join | peak MB (Python heap) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {persons:,} | {enrolment_rows:,} | {in_group:,} | {result['proposals']:,} | "
        f"{join_s:.2f} | {rule_s:.2f} | {run_s:.2f} | {run_s / max(join_s, 0.001):.1f} | "
        f"{peak_mb:.1f} |",
        flush=True,
    )
    if steady:
        print(
            f"steady state (the group already registered): run {registered_s:.2f} s, "
            f"{proposals_steady} proposals, run / join "
            f"{registered_s / max(join_s, 0.001):.1f}",
            flush=True,
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=500_000)
    parser.add_argument("--enrolments", type=int, default=1_000_000)
    parser.add_argument(
        "--steady-only",
        action="store_true",
        help="Only the run with the group already registered.",
    )
    args = parser.parse_args()
    _database_ensure()
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load(persons=args.persons, enrolments=args.enrolments)
    measure(empty=not args.steady_only)


if __name__ == "__main__":
    main()
