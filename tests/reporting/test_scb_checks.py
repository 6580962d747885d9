"""Every validation rule has a failing and a passing case."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from plans.models import InterventionType, MeasureCode
from reporting.scb.periods import HalfYear
from reporting.scb.profile import SHIPPED_DIR, profile_for
from reporting.scb.writer import run
from tests.reporting.conftest import H1, D
from youth.models import OccupationType, Reason

TODAY = dt.date(2026, 11, 23)
FEB_1, MAR_1 = D(2026, 2, 1), D(2026, 3, 1)


def _one(b, **kw):
    youth = b.youth("Ada Ek", **kw)
    return youth


def _open(b, start=FEB_1, reg="AVBROTT_NATIONELLT", **kw):
    youth = _one(b, **kw)
    return youth, b.period(youth, start, reg)


def _reached(b, youth, period, day=MAR_1, occupation="ARBETE"):
    if occupation:
        b.occupation(youth, occupation, day)
    b.contact(youth, day, period=period)


def _measure(
    b, start=MAR_1, end=None, after=None, code=MeasureCode.SYV, period_start=FEB_1, **fields
):
    youth, period = _open(b, period_start)
    plan = b.plan(youth, period, period_start)
    b.intervention(plan, code, start, end, after, **fields)
    return youth, period


def pnr_bad(b):
    youth, _p = _open(b)
    last = str((int(youth.personnummer[-1]) + 1) % 10)
    type(youth).objects.filter(pk=youth.pk).update(personnummer=youth.personnummer[:-1] + last)


def pnr_good(b):
    _open(b)


def reason_unmapped(b):
    Reason.objects.create(kind="registration", code="EGEN_KOD", label="Egen orsak")
    _open(b, reg="EGEN_KOD")


def reason_unknown(b):
    _open(b, reg="OVRIGT")


def reason_known(b):
    _open(b, reg="STUDIEBEVIS")


def registered_at_20(b):
    youth = _one(b, born=D(2005, 1, 10))
    b.period(youth, D(2025, 2, 1), end=D(2026, 1, 9), dereg="FYLLT_20")


def young(b):
    _open(b, born=D(2011, 6, 1), start=D(2026, 1, 10))


def contact_outside(b):
    youth, period = _open(b, start=D(2026, 3, 1))
    b.contact(youth, D(2026, 2, 1), period=period)


def contact_inside(b):
    youth, period = _open(b, start=D(2026, 3, 1))
    _reached(b, youth, period, D(2026, 3, 5))


def no_contact(b):
    _open(b)


def contact_no_occupation(b):
    youth, period = _open(b)
    _reached(b, youth, period, occupation=None)


def occupation_unmapped(b):
    OccupationType.objects.create(code="EGEN", label="Egen", category="other")
    youth, period = _open(b)
    _reached(b, youth, period, occupation="EGEN")


def measure_broken(b):
    _measure(b, start=None, end=D(2026, 3, 1))


def measure_fine(b):
    _measure(b, end=D(2026, 4, 1), after="ARBETE")


def measure_outside(b):
    _measure(b, start=D(2026, 2, 1), period_start=D(2026, 3, 1))


def measure_unmapped(b):
    b.types["NYKOD"] = InterventionType.objects.create(
        municipality=b.municipality, name="Ny", measure_code="NYKOD"
    )
    _measure(b, code="NYKOD")


def measure_after_missing(b):
    _measure(b, end=D(2026, 4, 1))


def end_reason_without_date(b):
    _measure(b, end_reason="completed")


def ended_unmapped(b):
    Reason.objects.create(kind="deregistration", code="EGEN_AVREG", label="Egen")
    youth = _one(b)
    b.period(youth, D(2026, 1, 5), end=D(2026, 3, 1), dereg="EGEN_AVREG")


def ended_mapped(b):
    youth = _one(b)
    b.period(youth, D(2026, 1, 5), end=D(2026, 3, 1), dereg="OVRIGT")


def over_20_open(b):
    _open(b, born=D(2006, 3, 15), start=D(2025, 8, 1))


def over_20_closed(b):
    youth = _one(b, born=D(2006, 3, 15))
    b.period(youth, D(2025, 8, 1), end=D(2026, 3, 14), dereg="FYLLT_20")


def should_be_closed(b):
    youth, period = _open(b)
    _reached(b, youth, period, occupation="STUDIER_NATIONELLT")


def duplicate(b):
    youth = _one(b)
    b.period(youth, D(2026, 1, 1), end=D(2026, 4, 1), dereg="OVRIGT")
    b.period(youth, D(2026, 3, 1))


def not_duplicate(b):
    youth = _one(b)
    b.period(youth, D(2026, 1, 1), end=D(2026, 4, 1), dereg="OVRIGT")
    b.period(youth, D(2026, 4, 2))


def share_other(b):
    _measure(b, code=MeasureCode.ANNAN)


def nothing(b):
    pass


CASES = {
    # rule: (failing case, passing case)
    "PNR_INVALID": (pnr_bad, pnr_good),
    "REASON_UNMAPPED": (reason_unmapped, reason_known),
    "REASON_UNKNOWN": (reason_unknown, reason_known),
    "REGISTERED_AT_20": (registered_at_20, pnr_good),
    "YOUNG_AT_REGISTRATION": (young, pnr_good),
    "CONTACT_OUTSIDE_PERIOD": (contact_outside, contact_inside),
    "NO_CONTACT": (no_contact, contact_inside),
    "CONTACT_OCCUPATION_MISSING": (contact_no_occupation, contact_inside),
    "OCCUPATION_UNMAPPED": (occupation_unmapped, contact_inside),
    "MEASURE_BROKEN": (measure_broken, measure_fine),
    "MEASURE_OUTSIDE_PERIOD": (measure_outside, measure_fine),
    "MEASURE_UNMAPPED": (measure_unmapped, measure_fine),
    "MEASURE_AFTER_MISSING": (measure_after_missing, measure_fine),
    "END_REASON_WITHOUT_DATE": (end_reason_without_date, measure_fine),
    "ENDED_UNMAPPED": (ended_unmapped, ended_mapped),
    "OVER_20_OPEN": (over_20_open, over_20_closed),
    "SHOULD_BE_CLOSED": (should_be_closed, contact_inside),
    "DUPLICATE": (duplicate, not_duplicate),
    "SHARE_OTHER_MEASURE": (share_other, measure_fine),
    "NO_YOUTHS": (nothing, pnr_good),
}
BLOCKING = {
    "PNR_INVALID",
    "REASON_UNMAPPED",
    "REGISTERED_AT_20",
    "CONTACT_OUTSIDE_PERIOD",
    "OCCUPATION_UNMAPPED",
    "MEASURE_BROKEN",
    "MEASURE_OUTSIDE_PERIOD",
    "MEASURE_UNMAPPED",
    "MEASURE_AFTER_MISSING",
    "END_REASON_WITHOUT_DATE",
    "ENDED_UNMAPPED",
    "OVER_20_OPEN",
    "DUPLICATE",
}


def _findings(municipality, period=H1, verified=True, profile=None):
    return run(
        municipality, period, profile or profile_for(period), today=TODAY, verified=verified
    ).findings


@pytest.mark.django_db
@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fails(rule, build, municipality):
    CASES[rule][0](build)
    findings = _findings(municipality)
    assert findings.counts[rule] >= 1
    assert findings.severity_of[rule] == ("block" if rule in BLOCKING else "warn")
    if rule in BLOCKING:
        assert findings.blocking >= 1
    problem = next(p for p in findings.problems if p.rule == rule)
    assert problem.message
    if rule not in {"NO_YOUTHS", "SHARE_OTHER_MEASURE"}:
        assert problem.link.startswith("/")


@pytest.mark.django_db
@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_passes(rule, build, municipality):
    CASES[rule][1](build)
    assert rule not in _findings(municipality).counts


@pytest.mark.django_db
def test_profile_unverified_and_period_not_over(build, municipality):
    pnr_good(build)
    assert "PROFILE_UNVERIFIED" in _findings(municipality, verified=False).counts
    assert "PROFILE_UNVERIFIED" not in _findings(municipality, verified=True).counts
    assert "PERIOD_NOT_OVER" in _findings(municipality, period=HalfYear(2026, 2)).counts
    assert "PERIOD_NOT_OVER" not in _findings(municipality).counts


@pytest.mark.django_db
def test_row_limit_of_a_wide_profile_blocks(build, municipality, settings, tmp_path):
    local = tmp_path / "profiles"
    local.mkdir()
    text = (SHIPPED_DIR / "kaa-2018H2.toml").read_text(encoding="utf-8")
    text = (
        text.replace('grain = "youth_event"', 'grain = "youth_wide"')
        .replace("max_contacts = 0", "max_contacts = 1")
        .replace(
            'name = "KONTAKTDATUM"\nfield = "contact_date"',
            'name = "KONTAKTDATUM_{n}"\nfield = "contact_date"\nrepeat = "contact"',
        )
        .replace(
            'name = "SYSSKONTAKT"\nfield = "occupation_at_contact"',
            'name = "SYSSKONTAKT_{n}"\nfield = "occupation_at_contact"\nrepeat = "contact"',
        )
        .replace(
            'name = "POSTTYP"\nfield = "record_type"\n', 'name = "POSTTYP"\nfield = "period"\n'
        )
    )
    (local / "kaa-2018H2.toml").write_text(text, encoding="utf-8")
    settings.KAA_SCB_PROFILE_DIR = str(local)
    youth, period = _open(build)
    _reached(build, youth, period, D(2026, 3, 1))
    assert "TOO_MANY" not in _findings(municipality).counts
    _reached(build, youth, period, D(2026, 4, 1))
    findings = _findings(municipality)
    assert findings.counts["TOO_MANY"] == 1
    assert findings.severity_of["TOO_MANY"] == "block"


@pytest.mark.django_db
def test_a_profile_may_turn_a_rule_off(build, municipality, settings, tmp_path):
    local = tmp_path / "profiles"
    shutil.copytree(SHIPPED_DIR, local)
    path = local / "kaa-2018H2.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('NO_CONTACT = "warn"', 'NO_CONTACT = "off"'),
        encoding="utf-8",
    )
    settings.KAA_SCB_PROFILE_DIR = str(local)
    no_contact(build)
    assert "NO_CONTACT" not in _findings(municipality).counts


@pytest.mark.django_db
def test_attempts_without_reach_are_called_not_reached_not_no_contact(build, municipality):
    """The warning counts contacts that reached the youth; its words say so, since the
    youth below was called twice."""
    youth, period = _open(build)
    for day in (MAR_1, MAR_1 + dt.timedelta(days=7)):
        build.contact(youth, day, period=period, outcome="no_answer")
    problem = next(p for p in _findings(municipality).problems if p.rule == "NO_CONTACT")
    assert str(problem.message).startswith("Ungdomen nåddes inte under halvåret")
    assert "försök utan svar räknas inte" in str(problem.message)
    assert "Ingen kontakt" not in str(problem.message)
