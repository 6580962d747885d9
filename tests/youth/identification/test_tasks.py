"""The nightly job, and regional use: evidence is shared between municipalities, nothing
else is."""

from __future__ import annotations

import io
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from youth.identification import deliveries, services
from youth.identification.models import Proposal, Run
from youth.identification.tasks import identification_nightly

from .files import ENROLMENT_HEADER, born_aged, csv_file, navet, pnr, post

TODAY = timezone.localdate()


def _population(municipality, *posts):
    deliveries.population_store(
        municipality=municipality,
        filename="navet.xml",
        actor=None,
        stream=io.BytesIO(navet(*posts)),
    )


def test_the_nightly_job_runs_each_municipality_once_per_night(municipality, other_municipality):
    _population(municipality, post(pnr(born_aged(17, TODAY))))
    _population(other_municipality, post(pnr(born_aged(17, TODAY)), county="14", kommun="94"))
    assert identification_nightly() == "runs=2 failed=0"
    assert identification_nightly() == "runs=0 failed=0"
    assert Run.objects.count() == 2
    _population(municipality, post(pnr(born_aged(17, TODAY))))  # a new delivery arrives
    assert identification_nightly() == "runs=1 failed=0"


def test_one_municipalitys_failure_does_not_stop_the_others(municipality, other_municipality):
    _population(municipality, post(pnr(born_aged(17, TODAY))))
    _population(other_municipality, post(pnr(born_aged(17, TODAY)), county="14", kommun="94"))
    real = services.run_identification

    def failing(*, municipality, **kwargs):
        if municipality.code == "1882":
            raise RuntimeError("boom")
        return real(municipality=municipality, **kwargs)

    with mock.patch.object(services, "run_identification", failing):
        assert identification_nightly() == "runs=1 failed=1"
    assert Run.objects.get().municipality == other_municipality


def test_a_youth_studying_in_another_municipality_is_found(municipality, other_municipality):
    studying = pnr(born_aged(17, TODAY))
    _population(municipality, post(studying), post(pnr(born_aged(17, TODAY))))
    # Lidköping's school list names a pupil folkbokförd in Askersund.
    deliveries.enrolments_store(
        municipality=other_municipality,
        source_name="Lidköpings gymnasium",
        filename="lidkoping.csv",
        actor=None,
        stream=csv_file(ENROLMENT_HEADER, f"{studying};1;GY;NA;2025-08-18;;N"),
    )
    run = services.run_identification(municipality=municipality, on=TODAY, actor=None)
    assert run.in_group == 1
    assert not run.proposals.filter(personnummer=studying).exists()


def test_nothing_but_evidence_crosses_municipalities(
    client_for, municipality, other_municipality, stranger_coordinator
):
    number = pnr(born_aged(17, TODAY))
    _population(municipality, post(number, first="Askersundsbo"))
    services.run_identification(municipality=municipality, on=TODAY, actor=None)
    # Lidköping's own run sees nothing of Askersund's population or proposals.
    _population(other_municipality, post(pnr(born_aged(17, TODAY)), county="14", kommun="94"))
    run = services.run_identification(municipality=other_municipality, on=TODAY, actor=None)
    assert not run.proposals.filter(personnummer=number).exists()
    page = client_for(stranger_coordinator).get(reverse("youth:identification:queue"))
    assert "Askersundsbo" not in page.content.decode()
    assert Proposal.objects.filter(municipality=municipality, personnummer=number).exists()
