"""The whole SCB export of a varied register, byte for byte, against stored golden output.

The register is drawn from a fixed seed (every edge the rules know: two periods, overlapping
periods, contacts linked or not, late in the evening, outside the period, unconfirmed and
overlapping occupations, broken and stray measures, codes the profile does not map, invalid
personnummer, youths turning 20), and ids are fixed by restarting the sequences, so the file,
every finding with its link, and each youth's digest are the same on every run. The golden
files were written by the export as it read periods, contacts, occupations and interventions in
four queries per chunk and derived each record in Python; any later way of reading must give
the same bytes. `SCB_GOLDEN_WRITE=1` rewrites them (only when the output is meant to change).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from demo.youths import personnummer_for
from outreach.models import ContactAttempt
from plans.models import ActionPlan, Intervention, InterventionType, MeasureCode
from reporting.scb.periods import HalfYear
from reporting.scb.profile import SHIPPED_DIR, profile_for, profile_load
from reporting.scb.writer import run
from youth.models import KaaPeriod, Occupation, OccupationType, Reason, Youth

GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = dt.date(2026, 11, 23)
H1 = HalfYear(2026, 1)
D = dt.date

REGISTRATION = [
    "ALDRIG_GYMNASIAL",
    "AVBROTT_INTRODUKTION",
    "AVBROTT_NATIONELLT",
    "FOLKBOKFORD_EJ_SKOLPLIKTIG",
    "INFLYTTAD",
    "OVRIGT",
    "STUDIEBEVIS",
]
DEREGISTRATION = [
    "AVLIDEN",
    "EJ_FOLKBOKFORD_I_KOMMUNEN",
    "FELREGISTRERAD",
    "FYLLT_20",
    "OVRIGT",
    "PABORJAT_NATIONELLT_EL_MOTSV",
    "SLUTFORT_MED_EXAMEN",
]
OCCUPATIONS = [
    "ANNAN",
    "ARBETE",
    "ARBETSSOKANDE",
    "EXAMEN",
    "KOMVUX",
    "OKAND",
    "PRAKTIK",
    "SAKNAR",
    "STUDIER_NATIONELLT",
    "UNMAPPED_OCC",
]
MEASURES = [*MeasureCode.values, "UNMAPPED_MEASURE"]


def _restart_sequences() -> None:
    with connection.cursor() as cursor:
        for table, start in (
            ("youth_youth", 500_000),
            ("youth_kaaperiod", 600_000),
            ("plans_actionplan", 700_000),
            ("plans_intervention", 800_000),
        ):
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, start]
            )


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _periods(rng: random.Random, youth: Youth, reasons: dict) -> list[KaaPeriod]:
    """One to three periods, one after the other or now and then overlapping (a duplicate)."""
    periods: list[KaaPeriod] = []
    start = _day(rng, D(2025, 3, 1), D(2026, 8, 31))
    for _n in range(rng.choice([1, 1, 1, 2, 2, 3])):
        end = None if rng.random() < 0.45 else start + dt.timedelta(days=rng.randrange(0, 300))
        if end is None and any(p.end_date is None for p in periods):
            end = start + dt.timedelta(days=rng.randrange(0, 60))
        dereg = reasons[("deregistration", rng.choice(DEREGISTRATION))] if end else None
        periods.append(
            KaaPeriod.objects.create(
                youth=youth,
                start_date=start,
                end_date=end,
                registration_reason=reasons[("registration", rng.choice(REGISTRATION))],
                deregistration_reason=dereg,
            )
        )
        start = (end or start) + dt.timedelta(days=rng.randrange(-30, 120))
        if rng.random() < 0.2:
            break
    return periods


def _occupations(rng: random.Random, youth: Youth, types: dict) -> None:
    """A history, sometimes unconfirmed or overlapping."""
    day = _day(rng, D(2025, 6, 1), D(2026, 2, 1))
    for _n in range(rng.randrange(0, 4)):
        length = rng.randrange(10, 200)
        Occupation.objects.create(
            youth=youth,
            type=types[rng.choice(OCCUPATIONS)],
            start_date=day,
            end_date=day + dt.timedelta(days=length) if rng.random() < 0.7 else None,
            source="contact",
            confirmed=rng.random() < 0.85,
        )
        day = day + dt.timedelta(days=rng.randrange(-20, length + 30))


def _contacts(rng: random.Random, youth: Youth, periods: list[KaaPeriod], staff) -> None:
    """Reached or not, linked or not, some late in the evening, some outside the periods."""
    for _n in range(rng.randrange(0, 9)):
        day = _day(rng, D(2025, 10, 1), D(2026, 8, 31))
        linked = rng.choice([None, *periods, periods[0]])
        moment = dt.time(23, 30) if rng.random() < 0.15 else dt.time(rng.randrange(7, 18))
        reached = rng.random() < 0.7
        ContactAttempt.objects.create(
            youth=youth,
            period=linked,
            at=timezone.make_aware(dt.datetime.combine(day, moment)),
            channel="phone",
            outcome=(
                ContactAttempt.Outcome.REACHED if reached else ContactAttempt.Outcome.NO_ANSWER
            ),
            staff=staff,
        )
        if rng.random() < 0.1:  # the same day twice
            ContactAttempt.objects.create(
                youth=youth,
                period=linked,
                at=timezone.make_aware(dt.datetime.combine(day, dt.time(19))),
                channel="sms",
                outcome=ContactAttempt.Outcome.REACHED,
                staff=staff,
            )


def _plans(rng, youth, periods, staff, kinds: dict, types: dict) -> None:
    """Plans with interventions: started, ended, broken, outside, declined, preventive."""
    for n in range(rng.randrange(0, 3)):
        kaa = rng.random() < 0.85
        plan = ActionPlan.objects.create(
            youth=youth,
            kind=ActionPlan.Kind.KAA if kaa else ActionPlan.Kind.PREVENTIVE,
            period=rng.choice(periods) if kaa else None,
            case_worker=staff,
            goal="Mål",
            status=ActionPlan.Status.ACTIVE if n == 0 else ActionPlan.Status.CLOSED,
            start_date=D(2025, 9, 1),
            next_follow_up=D(2025, 10, 1),
        )
        for _m in range(rng.randrange(0, 4)):
            begin = _day(rng, D(2025, 6, 1), D(2026, 7, 31)) if rng.random() < 0.9 else None
            finish = None
            if rng.random() < 0.55:
                finish = (begin or D(2026, 3, 1)) + dt.timedelta(days=rng.randrange(0, 150))
            Intervention.objects.create(
                plan=plan,
                type=kinds[rng.choice(MEASURES)],
                actual_start=begin,
                actual_end=finish,
                went_on_to=types[rng.choice(OCCUPATIONS)] if rng.random() < 0.7 else None,
                end_reason=rng.choice(["", "", "work"]),
                declined=rng.random() < 0.08,
            )


def _register(municipality, staff, youths: int = 160) -> None:
    """A register drawn from a fixed seed around 2026H1."""
    rng = random.Random(24)  # noqa: S311 - a fixed, reproducible register, not a secret
    _restart_sequences()
    reasons = {(r.kind, r.code): r for r in Reason.objects.all()}
    types = {o.code: o for o in OccupationType.objects.all()}
    types["UNMAPPED_OCC"] = OccupationType.objects.create(
        code="UNMAPPED_OCC", label="Utan SCB-kod", ends_kaa=False
    )
    kinds = {
        code: InterventionType.objects.create(
            municipality=municipality, name=f"Insats {code}", measure_code=code
        )
        for code in MEASURES
    }
    for i in range(youths):
        born = _day(rng, D(2005, 9, 1), D(2012, 6, 30))
        pnr = personnummer_for(born, 300 + i)
        if i % 37 == 5:
            pnr = pnr[:-1] + str((int(pnr[-1]) + 1) % 10)  # a wrong check digit
        youth = Youth.objects.create(
            municipality=municipality,
            personnummer=pnr,
            pnr_short=pnr[2:],
            birth_date=born,
            first_name=f"Förnamn{i}",
            last_name=f"Efternamn{i}",
            protected_identity=i % 19 == 3,
        )
        periods = _periods(rng, youth, reasons)
        _occupations(rng, youth, types)
        _contacts(rng, youth, periods, staff)
        _plans(rng, youth, periods, staff, kinds, types)


def _wide_profile(tmp_path: Path) -> Path:
    """The shipped profile as one row per period, with other formats and unmapped codes."""
    text = (SHIPPED_DIR / "kaa-2018H2.toml").read_text(encoding="utf-8")
    text = (
        text.replace('grain = "youth_event"', 'grain = "youth_wide"')
        .replace("max_contacts = 0", "max_contacts = 2")
        .replace("max_measures = 0", "max_measures = 2")
        .replace('overflow = "block_export"', 'overflow = "keep_latest"')
        .replace('format = "YYYYMMDDNNNN"', 'format = "YYYYMMDD-NNNN"')
        .replace('date_format = "%Y%m%d"', 'date_format = "%Y-%m-%d"')
        .replace(
            'name = "KONTAKTDATUM"\nfield = "contact_date"',
            'name = "KONTAKTDATUM_{n}"\nfield = "contact_date"\nrepeat = "contact"',
        )
        .replace(
            'name = "SYSSKONTAKT"\nfield = "occupation_at_contact"',
            'name = "SYSSKONTAKT_{n}"\nfield = "occupation_at_contact"\nrepeat = "contact"',
        )
        .replace(
            'name = "ATGARDTYP"\nfield = "measure_type"',
            'name = "ATGARDTYP_{n}"\nfield = "measure_type"\nrepeat = "measure"',
        )
        .replace(
            'name = "ATGARDSTART"\nfield = "measure_start"',
            'name = "ATGARDSTART_{n}"\nfield = "measure_start"\nrepeat = "measure"',
        )
        .replace(
            'name = "ATGARDSLUT"\nfield = "measure_end"',
            'name = "ATGARDSLUT_{n}"\nfield = "measure_end"\nrepeat = "measure"',
        )
        .replace(
            'name = "SYSSEFTER"\nfield = "occupation_after_measure"',
            'name = "SYSSEFTER_{n}"\nfield = "occupation_after_measure"\nrepeat = "measure"',
        )
        .replace(
            'name = "POSTTYP"\nfield = "record_type"\n', 'name = "HALVAR"\nfield = "period"\n'
        )
    )
    unmapped = ('"STUDIEBEVIS"', '"ARBETE"', '"MOTIVATION"', '"AVLIDEN"')
    lines = [
        line
        for line in text.splitlines()
        if not any(f"internal = {code}" in line for code in unmapped)
    ]
    path = tmp_path / "kaa-2018H2.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _export(municipality, profile, tmp_path: Path, name: str) -> dict[str, object]:
    digests: dict[str, str] = {}
    pnr_of = dict(Youth.objects.values_list("pk", "personnummer"))

    def on_youth(youth_id: int, digest: str) -> None:
        digests[f"{youth_id}:{pnr_of[youth_id]}"] = digest

    out = tmp_path / f"{name}.csv"
    outcome = run(
        municipality,
        H1,
        profile,
        today=TODAY,
        verified=False,
        out=out,
        allow_blocking=True,
        on_youth=on_youth,
    )
    f = outcome.findings
    return {
        "file": out.read_bytes(),
        "summary": {
            "rows": outcome.rows,
            "youths": outcome.youths,
            "counts": dict(sorted(f.counts.items())),
            "severity_of": dict(sorted(f.severity_of.items())),
            "quality": f.quality.as_dict(),
            "measures": [f.measures, f.measures_other],
            "excluded": [list(e) for e in f.excluded],
            "problems": [
                [p.rule, p.severity, p.message, p.youth_id, p.name, p.personnummer, p.link]
                + [p.link_label]
                for p in f.problems
            ],
            "digests": digests,
        },
    }


def _compare(name: str, got: dict[str, object]) -> None:
    csv_path, json_path = GOLDEN / f"scb_{name}.csv", GOLDEN / f"scb_{name}.json"
    summary = json.dumps(got["summary"], ensure_ascii=False, indent=1, sort_keys=False)
    if os.environ.get("SCB_GOLDEN_WRITE") == "1":
        GOLDEN.mkdir(exist_ok=True)
        csv_path.write_bytes(got["file"])  # type: ignore[arg-type]
        json_path.write_text(summary + "\n", encoding="utf-8")
    assert got["file"] == csv_path.read_bytes()
    assert json.loads(summary) == json.loads(json_path.read_text(encoding="utf-8"))


@pytest.fixture(params=["postgresql", "portable"])
def records_path(request, monkeypatch):
    """The export reads its records in one PostgreSQL query; on the embedded demo database it
    reads them through the ORM. Both must give the golden output."""
    if request.param == "portable":
        from reporting.scb import writer
        from reporting.scb.source_portable import period_records_portable

        monkeypatch.setattr(writer, "period_records", period_records_portable)
    return request.param


@pytest.mark.django_db
def test_the_export_of_a_varied_register_is_byte_for_byte_the_golden_one(
    municipality, coordinator, tmp_path, settings, records_path
):
    _register(municipality, coordinator)
    shipped = _export(municipality, profile_for(H1), tmp_path, "event")
    counts = shipped["summary"]["counts"]  # type: ignore[index]
    # the register reaches the rules it was drawn for
    for rule in (
        "PNR_INVALID",
        "DUPLICATE",
        "CONTACT_OUTSIDE_PERIOD",
        "NO_CONTACT",
        "CONTACT_OCCUPATION_MISSING",
        "OCCUPATION_UNMAPPED",
        "MEASURE_BROKEN",
        "MEASURE_OUTSIDE_PERIOD",
        "MEASURE_UNMAPPED",
        "MEASURE_AFTER_MISSING",
        "OVER_20_OPEN",
        "SHOULD_BE_CLOSED",
        "REASON_UNKNOWN",
    ):
        assert counts[rule] > 0, rule
    _compare("event", shipped)
    wide = _export(municipality, profile_load(_wide_profile(tmp_path)), tmp_path, "wide")
    wide_counts = wide["summary"]["counts"]  # type: ignore[index]
    for rule in ("REASON_UNMAPPED", "ENDED_UNMAPPED", "MEASURE_UNMAPPED"):
        assert wide_counts[rule] > 0, rule
    _compare("wide", wide)
