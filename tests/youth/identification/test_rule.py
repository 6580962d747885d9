"""The rule at each of its boundaries, evaluated both ways (PostgreSQL over the store, and the
Python twin): both must give the same facts, and the expected answer."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.utils import timezone

from youth.identification import rule
from youth.identification.models import (
    CompletionRecord,
    EnrolmentRecord,
    PopulationRecord,
    Source,
    SourceDelivery,
)
from youth.personnummer import parse

from .files import pnr

D = dt.date(2026, 12, 1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def store(municipality):
    population = Source.objects.create(municipality=municipality, kind="population", name="N")
    schools = Source.objects.create(municipality=municipality, kind="enrolment", name="S")
    exams = Source.objects.create(municipality=municipality, kind="completion", name="E")
    now = timezone.now()
    return {
        "municipality": municipality,
        "population": SourceDelivery.objects.create(
            source=population, arrived_at=now, format="navet_full"
        ),
        "enrolments": SourceDelivery.objects.create(
            source=schools, arrived_at=now, format="enrolment_list"
        ),
        "completions": SourceDelivery.objects.create(
            source=exams, arrived_at=now, format="completion_list"
        ),
    }


def _person(store, birth: dt.date, *, coordination: bool = False, **fields) -> PopulationRecord:
    parsed = parse(pnr(birth, coordination=coordination), today=D)
    fields.setdefault("municipality_code", "1882")
    return PopulationRecord.objects.create(
        municipality=store["municipality"],
        personnummer=parsed.number,
        birth_date=parsed.birth_date,
        is_coordination_number=parsed.is_coordination_number,
        past_compulsory_on=rule.past_compulsory_on(parsed.birth_date),
        turns_20_on=rule.turns_20_on(parsed.birth_date),
        delivery=store["population"],
        position=1,
        **fields,
    )


def _enrol(store, record, school_type, start, end=None, cancelled=False, programme="NA"):
    EnrolmentRecord.objects.create(
        source=store["enrolments"].source,
        delivery=store["enrolments"],
        position=1,
        personnummer=record.personnummer,
        school_type=school_type,
        start_date=start,
        end_date=end,
        cancelled=cancelled,
        programme=programme,
    )


def _complete(store, record, kind, date):
    CompletionRecord.objects.create(
        source=store["completions"].source,
        delivery=store["completions"],
        position=1,
        personnummer=record.personnummer,
        kind=kind,
        date=date,
    )


def _sql_facts(store, on: dt.date) -> dict[str, rule.Facts]:
    params = {"code": "1882", "on": on, "municipality": store["municipality"].pk}
    with connection.cursor() as cursor:
        cursor.execute(rule.FACTS_SQL, params)
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {
        row["personnummer"]: rule.Facts(**{f: row[f] for f in rule.FACT_FIELDS}) for row in rows
    }


def _python_facts(record: PopulationRecord, on: dt.date) -> rule.Facts:
    person = rule.Person(
        record.personnummer,
        record.municipality_code,
        record.registered_on,
        record.deregistration_code,
        record.deregistration_date,
        record.past_compulsory_on,
        record.turns_20_on,
    )
    enrolments = [
        rule.Enrolment(e.school_type, e.start_date, e.end_date, e.cancelled, e.programme)
        for e in EnrolmentRecord.objects.filter(personnummer=record.personnummer)
    ]
    completions = [
        rule.Completion(c.kind, c.date)
        for c in CompletionRecord.objects.filter(personnummer=record.personnummer)
    ]
    return rule.facts_of(person, enrolments, completions, municipality_code="1882", on=on)


def judge(store, record: PopulationRecord, on: dt.date = D) -> tuple[bool, str]:
    """(in the group, why not) — asserting that SQL and Python agree."""
    sql = _sql_facts(store, on)[record.personnummer]
    assert sql == _python_facts(record, on)
    in_group = rule.in_group(sql)
    return in_group, None if in_group else rule.out_reason(sql)


def _aged(years: int, on: dt.date = D) -> dt.date:
    return on.replace(year=on.year - years) - dt.timedelta(days=40)


def test_it_keeps_a_youth_until_the_day_before_the_20th_birthday(store):
    birth = dt.date(2006, 12, 2)  # turns 20 on 2026-12-02
    record = _person(store, birth)
    assert judge(store, record, dt.date(2026, 12, 1)) == (True, None)
    assert judge(store, record, dt.date(2026, 12, 2)) == (False, "FYLLT_20")


def test_it_starts_on_1_july_of_the_year_of_the_16th_birthday(store):
    record = _person(store, dt.date(2010, 3, 5))
    assert judge(store, record, dt.date(2026, 6, 30)) == (False, "SKOLPLIKTIG")
    assert judge(store, record, dt.date(2026, 7, 1))[0] is True


def test_it_leaves_out_a_youth_still_in_compulsory_school_after_1_july(store):
    record = _person(store, dt.date(2010, 3, 5))
    _enrol(store, record, "GRS", dt.date(2020, 8, 15), dt.date(2027, 6, 10))
    assert judge(store, record, dt.date(2026, 9, 1)) == (False, "SKOLPLIKTIG")
    assert judge(store, record, dt.date(2027, 6, 11))[0] is True


@pytest.mark.parametrize(
    ("school_type", "start", "end", "cancelled", "programme", "expected"),
    [
        ("GY", D - 400 * DAY, D - DAY, False, "NA", True),  # ended yesterday
        ("GY", D - 400 * DAY, D, False, "NA", False),  # ends today: still active
        ("GY", D + DAY, None, False, "NA", True),  # starts tomorrow: not yet
        ("GY", D - 30 * DAY, None, True, "NA", True),  # cancelled
        ("GY", D - 30 * DAY, None, False, "IMA", False),  # introduktionsprogram counts
        ("GYS", D - 30 * DAY, None, False, "", False),  # anpassad gymnasieskola
        ("KOMVUX", D - 30 * DAY, None, False, "", True),  # komvux only: stays in KAA
        ("FHS", D - 30 * DAY, None, False, "", True),  # folkhögskola only
        ("SFI", D - 30 * DAY, None, False, "", True),
    ],
)
def test_an_upper_secondary_enrolment_counts_only_while_active(
    store, school_type, start, end, cancelled, programme, expected
):
    record = _person(store, _aged(17))
    _enrol(store, record, school_type, start, end, cancelled, programme)
    in_group, reason = judge(store, record)
    assert in_group is expected
    if not expected:
        assert reason == "PABORJAT_NATIONELLT_EL_MOTSV"


@pytest.mark.parametrize(
    ("kind", "date", "expected"),
    [
        ("studiebevis", D - 10 * DAY, True),
        ("gymnasieexamen", D - 10 * DAY, False),
        ("gymnasieexamen", D + DAY, True),  # dated after the run's date
        ("gymnasiesarskolebevis", D - 10 * DAY, False),
        ("ib", D - 10 * DAY, False),
        ("utlandsk_examen", D - 10 * DAY, False),
    ],
)
def test_a_studiebevis_is_not_a_completion(store, kind, date, expected):
    record = _person(store, _aged(19))
    _complete(store, record, kind, date)
    in_group, reason = judge(store, record)
    assert in_group is expected
    if not expected:
        assert reason == "SLUTFORT_MED_EXAMEN"


@pytest.mark.parametrize(
    ("code", "date", "expected", "reason"),
    [
        ("AV", D - DAY, False, "AVLIDEN"),
        ("UV", D - DAY, False, "UTVANDRAD"),
        ("AN", D - DAY, False, "AVREGISTRERAD"),
        ("TA", None, False, "AVREGISTRERAD"),
        ("OB", D, False, "AVREGISTRERAD"),
        ("UV", D + DAY, True, None),  # emigrates tomorrow: still here today
    ],
)
def test_deregistration_codes(store, code, date, expected, reason):
    record = _person(store, _aged(17), deregistration_code=code, deregistration_date=date)
    in_group, why = judge(store, record)
    assert in_group is expected
    if reason:
        assert why == reason


def test_it_reads_the_municipality_as_county_and_municipality(store):
    nacka = _person(store, _aged(17), municipality_code="0182")
    assert judge(store, nacka) == (False, "UTFLYTTAD")


def test_it_counts_from_the_date_of_folkbokforing(store):
    record = _person(store, _aged(17), registered_on=D + DAY)
    assert judge(store, record) == (False, "UTFLYTTAD")
    assert judge(store, record, D + DAY)[0] is True


def test_a_samordningsnummer_counts_like_a_personnummer(store):
    record = _person(store, _aged(17), coordination=True)
    assert record.is_coordination_number
    assert record.birth_date.day < 32
    assert judge(store, record)[0] is True


def test_a_protected_identity_is_included_where_registered(store):
    record = _person(store, _aged(17), protected=True)
    assert judge(store, record)[0] is True


def test_a_29_february_birthday_turns_20_on_1_march_in_a_common_year():
    assert rule.turns_20_on(dt.date(2008, 2, 29)) == dt.date(2028, 2, 29)
    assert rule.turns_20_on(dt.date(2007, 2, 28)) == dt.date(2027, 2, 28)
    assert rule.past_compulsory_on(dt.date(2008, 2, 29)) == dt.date(2024, 7, 1)


def test_sql_and_python_agree_over_a_mixed_population(store):
    rng = random.Random(26)
    records = []
    for _ in range(150):
        birth = D - dt.timedelta(days=rng.randint(14 * 365, 21 * 365))
        record = _person(
            store,
            birth,
            municipality_code=rng.choice(["1882", "1882", "0182"]),
            deregistration_code=rng.choice(["", "", "", "AV", "UV"]),
            deregistration_date=rng.choice([None, D - DAY, D + DAY]),
        )
        for _ in range(rng.randint(0, 3)):
            start = D - dt.timedelta(days=rng.randint(-30, 900))
            _enrol(
                store,
                record,
                rng.choice(["GR", "GY", "GYS", "KOMVUX", "SP"]),
                start,
                rng.choice([None, start + dt.timedelta(days=rng.randint(0, 700))]),
                rng.random() < 0.2,
            )
        if rng.random() < 0.3:
            _complete(
                store,
                record,
                rng.choice(["studiebevis", "gymnasieexamen"]),
                D - dt.timedelta(days=rng.randint(-20, 300)),
            )
        records.append(record)
    sql = _sql_facts(store, D)
    assert {r.personnummer: _python_facts(r, D) for r in records} == sql
    assert 0 < sum(rule.in_group(f) for f in sql.values()) < len(records)
