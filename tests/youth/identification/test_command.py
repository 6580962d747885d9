"""manage.py identify: load files, run the rule, print one summary line."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kaa.models import AuditEvent
from tests.factories import youth_make
from youth.identification.models import PopulationRecord, Proposal, SourceDelivery
from youth.models import KaaPeriod, Youth

from .files import ENROLMENT_HEADER, born_aged, navet, pnr, post

TODAY = timezone.localdate()


def _identify(*args: str) -> list[str]:
    out = io.StringIO()
    call_command(
        "identify", "--municipality", "1882", "--on", TODAY.isoformat(), *args, stdout=out
    )
    return out.getvalue().splitlines()


@pytest.fixture
def files(tmp_path, municipality):
    staying = youth_make(
        municipality=municipality,
        birth_date=born_aged(17, TODAY),
        address="Storgatan 1",
        postal_code="69630",
        city="Askersund",
    )
    studying = youth_make(municipality=municipality, birth_date=born_aged(17, TODAY))
    newcomer = pnr(born_aged(18, TODAY))
    population = tmp_path / "navet.xml"
    population.write_bytes(
        navet(
            post(staying.personnummer),
            post(studying.personnummer),
            post(newcomer),
            post("200905171111"),
        )
    )
    enrolments = tmp_path / "orebro.csv"
    enrolments.write_text(
        f"{ENROLMENT_HEADER}\n"
        f"{studying.personnummer};1;GY;NA;{TODAY - dt.timedelta(days=9)};;N\n"
        f"{newcomer};1;XX;;2025-01-01;;N\n"
    )
    return {
        "population": str(population),
        "enrolments": str(enrolments),
        "newcomer": newcomer,
        "studying": studying,
        "tmp": tmp_path,
    }


def test_it_loads_runs_and_ends_with_the_summary_line(files):
    lines = _identify("--population", files["population"], "--enrolments", files["enrolments"])
    assert lines[-1] == "in_group=2 new=1 leaving=1 changed=0 unchanged=1 errors=2"
    assert any(line.startswith("navet.xml row 4: ") for line in lines)
    assert any(line.startswith("orebro.csv row 3: Okänd skolform") for line in lines)
    assert SourceDelivery.objects.get(source__kind="enrolment").source.name == "orebro"


def test_report_and_dry_run_store_nothing(files):
    report = files["tmp"] / "rapport.csv"
    lines = _identify(
        "--population",
        files["population"],
        "--enrolments",
        files["enrolments"],
        "--dry-run",
        "--report",
        str(report),
    )
    assert lines[-1].startswith("in_group=2 new=1 leaving=1")
    assert report.read_text().splitlines() == [
        "personnummer;forslag;orsak",
        f"{files['studying'].personnummer};lamnar;PABORJAT_NATIONELLT_EL_MOTSV",
        f"{files['newcomer']};ny;OVRIGT",
    ]
    assert not SourceDelivery.objects.exists()
    assert not PopulationRecord.objects.exists()
    assert not Proposal.objects.exists()


def test_approve_applies_every_proposal_from_the_runs_date(files):
    _identify(
        "--population", files["population"], "--enrolments", files["enrolments"], "--approve"
    )
    newcomer = Youth.objects.get(personnummer=files["newcomer"])
    assert KaaPeriod.objects.get(youth=newcomer).start_date == TODAY
    assert not KaaPeriod.objects.filter(youth=files["studying"], end_date__isnull=True).exists()
    assert not Proposal.objects.open().exists()
    assert AuditEvent.objects.filter(
        username="system:identifiering", user__isnull=True, detail__startswith="godkänd:new"
    ).exists()
    lines = _identify("--population", files["population"], "--enrolments", files["enrolments"])
    assert lines[-1] == "in_group=2 new=0 leaving=0 changed=0 unchanged=2 errors=2"


def test_an_unreadable_file_exits_non_zero_and_stores_nothing(files):
    broken = files["tmp"] / "trasig.xml"
    broken.write_bytes(b"<Navetavisering><Folkbokforingsposter>")
    with pytest.raises(CommandError, match="cannot be read"):
        _identify("--population", files["population"], "--population", str(broken))
    assert not SourceDelivery.objects.exists()
    with pytest.raises(CommandError, match="No such file"):
        _identify("--population", str(files["tmp"] / "saknas.xml"))
