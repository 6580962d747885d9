"""Export profiles are data: every value the app can produce maps in every shipped profile,
a broken profile is refused with a clear message, and a local file replaces a shipped one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from plans.models import MeasureCode
from reporting.scb.periods import HalfYear, recent, reportable
from reporting.scb.profile import SHIPPED_DIR, ProfileError, profile_for, profile_load
from youth import reference

SHIPPED = sorted(SHIPPED_DIR.glob("*.toml"))


def _periods(profile):
    last = profile.valid_to or HalfYear.containing(dt.date.today()).next().next()
    period, out = profile.valid_from, []
    while period <= last:
        out.append(period)
        period = period.next()
    return out


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_value_the_app_produces_maps_in_every_period(path):
    profile = profile_load(path)
    produced = {
        "registration_reason": [code for code, _label, _order in reference.REGISTRATION],
        "ended_reason": [
            code for code, _l, _o, outside in reference.DEREGISTRATION if not outside
        ],  # registered in error is never reported
        "occupation_at_contact": [code for code, *_rest in reference.OCCUPATIONS],
        "occupation_after_measure": [code for code, *_rest in reference.OCCUPATIONS],
        "measure_type": list(MeasureCode.values),
    }
    missing = [
        (name, code, str(period))
        for period in _periods(profile)
        for name, codes in produced.items()
        for code in codes
        if profile.code(name, code, period) is None
    ]
    assert missing == []


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_a_shipped_profile_is_marked_unverified_until_checked_against_scb(path):
    profile = profile_load(path)
    assert profile.shipped_unverified
    assert profile.columns[0].name == "KOMMUN"
    assert profile.deadline(HalfYear(2026, 2)) == dt.date(2027, 2, 26)
    assert profile.deadline(HalfYear(2030, 1)) == dt.date(2030, 6, 30) + dt.timedelta(days=60)


def _local(tmp_path, settings, text):
    local = tmp_path / "profiles"
    local.mkdir(exist_ok=True)
    (local / "kaa-2018H2.toml").write_text(text, encoding="utf-8")
    settings.KAA_SCB_PROFILE_DIR = str(local)
    return local / "kaa-2018H2.toml"


def _shipped_text():
    return (SHIPPED_DIR / "kaa-2018H2.toml").read_text(encoding="utf-8")


def test_a_missing_code_list_is_refused_with_the_file_and_key(tmp_path, settings):
    text = _shipped_text()
    start = text.index("measure_type = [")
    end = text.index("]\n", start) + 2
    _local(tmp_path, settings, text[:start] + text[end:])
    with pytest.raises(ProfileError, match=r"kaa-2018H2.toml: kodlistan codes.measure_type"):
        profile_for(HalfYear(2026, 1))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('grain = "youth_event"', 'grain = "per_row"', "grain"),
        ('format = "csv"', 'format = "pdf"', "format"),
        ('valid_from = "2018H2"', 'valid_from = "2018-07"', "2018-07"),
        ('NO_CONTACT = "warn"', 'NO_CONTACT = "maybe"', "NO_CONTACT"),
        ("[profile]", "[profile", "kan inte läsas"),
    ],
)
def test_malformed_profiles_say_what_is_wrong(tmp_path, settings, old, new, message):
    _local(tmp_path, settings, _shipped_text().replace(old, new, 1))
    with pytest.raises(ProfileError, match=message):
        profile_for(HalfYear(2026, 1))


def test_a_local_profile_replaces_the_shipped_one_and_codes_have_periods(tmp_path, settings):
    text = (
        _shipped_text()
        .replace('version = "2018H2.1"', 'version = "lokal"')
        .replace(
            '{ internal = "AVBROTT_INTRODUKTION", scb = "2", label = "Avbrott från '
            'introduktionsprogram", valid_from = "2018H2", valid_to = "" }',
            '{ internal = "AVBROTT_INTRODUKTION", scb = "2", label = "Avbrott från '
            'introduktionsprogram", valid_from = "2018H2", valid_to = "2026H1" }',
        )
    )
    _local(tmp_path, settings, text)
    profile = profile_for(HalfYear(2026, 2))
    assert profile.version == "lokal"
    assert profile.code("registration_reason", "AVBROTT_INTRODUKTION", HalfYear(2026, 1))
    assert profile.code("registration_reason", "AVBROTT_INTRODUKTION", HalfYear(2026, 2)) is None


def test_the_newest_profile_covering_a_period_wins(tmp_path, settings):
    text = (
        _shipped_text()
        .replace('name = "kaa-2018H2"', 'name = "kaa-2027H1"')
        .replace('valid_from = "2018H2"   #', 'valid_from = "2027H1"   #')
    )
    local = tmp_path / "profiles"
    local.mkdir()
    (local / "kaa-2027H1.toml").write_text(text, encoding="utf-8")
    settings.KAA_SCB_PROFILE_DIR = str(local)
    assert profile_for(HalfYear(2026, 2)).name == "kaa-2018H2"
    assert profile_for(HalfYear(2027, 1)).name == "kaa-2027H1"


def test_no_profile_for_an_early_period():
    with pytest.raises(ProfileError, match="ingen exportprofil för 2017H1"):
        profile_for(HalfYear(2017, 1))


@pytest.mark.parametrize("value", ["2026H3", "2026", "26H1", "H1 2026", "", "2026h0"])
def test_period_strings_are_checked(value):
    with pytest.raises(ValidationError, match="ÅÅÅÅH1"):
        HalfYear.parse(value)


def test_half_years():
    h2 = HalfYear.parse("2026h2")
    assert (h2.start, h2.end, str(h2.prev()), str(h2.next())) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 12, 31),
        "2026H1",
        "2027H1",
    )
    assert [str(p) for p in recent(today=dt.date(2026, 11, 23), count=3)] == [
        "2026H2",
        "2026H1",
        "2025H2",
    ]
    with pytest.raises(ValidationError, match="har inte börjat"):
        reportable(HalfYear(2027, 1), today=dt.date(2026, 11, 23))
    reportable(h2, today=dt.date(2026, 7, 1))
