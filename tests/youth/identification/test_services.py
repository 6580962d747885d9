"""A run compares the rule with the register and proposes; approving uses the register's
services; a rejection is remembered until the evidence changes."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kaa.models import AuditEvent
from outreach.models import Task
from outreach.routine.services import routine_from_template
from tests.factories import youth_make
from youth.identification import deliveries, services
from youth.identification.models import Proposal
from youth.models import FieldChange, Guardian, KaaPeriod, TimelineEntry, Youth

from .files import ENROLMENT_HEADER, born_aged, csv_file, navet, pnr, post

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


def _population(municipality, *posts, order="Grunduttag"):
    deliveries.population_store(
        municipality=municipality,
        stream=io.BytesIO(navet(*posts, order=order)),
        filename="navet.xml",
        actor=None,
    )


def _enrolments(municipality, *rows, name="Skolor"):
    deliveries.enrolments_store(
        municipality=municipality,
        source_name=name,
        filename=f"{name}.csv",
        actor=None,
        stream=csv_file(ENROLMENT_HEADER, *rows),
    )


def _run(municipality, on=TODAY):
    return services.run_identification(municipality=municipality, on=on, actor=None)


def _proposal(run, number):
    return run.proposals.get(personnummer=number)


def _registered(municipality, **fields):
    youth = youth_make(
        municipality=municipality,
        birth_date=born_aged(17, TODAY),
        address="Storgatan 1",
        postal_code="69630",
        city="Askersund",
        **fields,
    )
    return youth


def test_a_run_needs_a_population_first(municipality):
    with pytest.raises(ValidationError) as exc:
        _run(municipality)
    assert exc.value.messages == [str(services.NO_POPULATION)]


def test_a_run_proposes_new_leaving_and_changed(municipality):
    stays = _registered(municipality)
    studies = _registered(municipality)
    gone = _registered(municipality)
    hidden = _registered(municipality)
    moved = _registered(municipality)
    newcomer = pnr(born_aged(17, TODAY))
    _population(
        municipality,
        post(stays.personnummer),
        post(studies.personnummer),
        post(hidden.personnummer, protected=True),
        post(moved.personnummer, address="Nygatan 9"),
        post(newcomer),
    )
    start = TODAY - 20 * DAY
    _enrolments(municipality, f"{studies.personnummer};1;GY;NA;{start};;N")
    run = _run(municipality)
    assert run.summary == "in_group=4 new=1 leaving=2 changed=2 unchanged=1 errors=0"
    new = _proposal(run, newcomer)
    assert (new.kind, new.reason, new.effective_on) == ("new", "OVRIGT", TODAY)
    leaving = _proposal(run, studies.personnummer)
    assert (leaving.kind, leaving.reason, leaving.effective_on) == (
        "leaving",
        "PABORJAT_NATIONELLT_EL_MOTSV",
        start - DAY,
    )
    assert leaving.evidence["enrolments"][0]["school_type"] == "GY"
    assert leaving.evidence["enrolments"][0]["source"] == "Skolor"
    assert _proposal(run, gone.personnummer).reason == "UTFLYTTAD"
    protected = _proposal(run, hidden.personnummer)
    assert (protected.kind, protected.changes, protected.protected) == (
        "changed",
        ["PROTECTED_SET"],
        True,
    )
    assert "address" not in protected.evidence["population"]
    assert _proposal(run, moved.personnummer).changes == ["ADDRESS"]


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ({"completion": "studiebevis"}, "STUDIEBEVIS"),
        ({"enrolment": ("GY", "NA")}, "AVBROTT_NATIONELLT"),
        ({"enrolment": ("GY", "IMV")}, "AVBROTT_INTRODUKTION"),
        ({"enrolment": ("GR", "")}, "ALDRIG_GYMNASIAL"),
        ({"moved_in": True}, "OVRIGT"),  # moving in says nothing of the school situation
        ({}, "OVRIGT"),
    ],
)
def test_the_registration_reason_follows_from_the_evidence(municipality, setup, reason):
    number = pnr(born_aged(18, TODAY))
    registered = f"{TODAY - 60 * DAY:%Y%m%d}" if setup.get("moved_in") else "20100101"
    _population(municipality, post(number, registered=registered))
    if "enrolment" in setup:
        school_type, programme = setup["enrolment"]
        _enrolments(
            municipality, f"{number};1;{school_type};{programme};2023-08-15;{TODAY - 100 * DAY};N"
        )
    if "completion" in setup:
        deliveries.completions_store(
            municipality=municipality,
            source_name="Examina",
            filename="e.csv",
            actor=None,
            stream=csv_file(
                "personnummer;typ;datum;utfardare",
                f"{number};studiebevis;{TODAY - 100 * DAY};Alléskolan",
            ),
        )
    assert _proposal(_run(municipality), number).reason == reason


def test_a_new_identity_number_is_one_change_not_a_leave_and_a_new(municipality):
    youth = _registered(municipality)
    new_number = pnr(youth.birth_date)
    _population(
        municipality,
        post(
            youth.personnummer, dereg="GN", dereg_date=f"{TODAY - DAY:%Y%m%d}", referral=new_number
        ),
        post(new_number),
    )
    run = _run(municipality)
    assert (run.new, run.leaving, run.changed) == (0, 0, 1)
    proposal = run.proposals.get()
    assert (proposal.personnummer, proposal.changes) == (youth.personnummer, ["IDENTITY"])
    services.proposal_approve(proposal=proposal, actor=None)
    youth.refresh_from_db()
    assert youth.personnummer == new_number
    assert KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).exists()
    assert FieldChange.objects.filter(
        youth=youth, field="personnummer", old=proposal.personnummer
    ).exists()
    assert _run(municipality).summary.startswith("in_group=1 new=0 leaving=0 changed=0")


def test_approving_a_new_youth_registers_and_starts_the_routine(
    municipality, coordinator, django_capture_on_commit_callbacks
):
    routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    number = pnr(born_aged(17, TODAY))
    _population(municipality, post(number, first="Nils", last="Holm", guardians=("Vera Holm",)))
    proposal = _run(municipality).proposals.get()
    with django_capture_on_commit_callbacks(execute=True):
        youth = services.proposal_approve(proposal=proposal, actor=coordinator)
    assert (youth.first_name, youth.address) == ("Nils", "Storgatan 1")
    period = KaaPeriod.objects.get(youth=youth)
    assert (period.start_date, period.registration_reason.code) == (TODAY, "OVRIGT")
    assert list(Guardian.objects.filter(youth=youth).values_list("name", flat=True)) == [
        "Vera Holm"
    ]
    assert TimelineEntry.objects.filter(youth=youth, kind="identification").exists()
    assert AuditEvent.objects.filter(
        object_type="youth.proposal", user=coordinator, detail__startswith="godkänd:new"
    ).exists()
    # The routine's first tasks exist at once, not only after the nightly job.
    assert Task.objects.filter(case__youth=youth).exists()
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    with pytest.raises(ValidationError):
        services.proposal_approve(proposal=proposal, actor=coordinator)


def test_approving_leaving_and_protected_uses_the_register(municipality, coordinator):
    leaving = _registered(municipality)
    hidden = _registered(municipality)
    _population(
        municipality,
        post(hidden.personnummer, protected=True),
        post(leaving.personnummer, dereg="UV", dereg_date=f"{TODAY - 3 * DAY:%Y%m%d}"),
    )
    run = _run(municipality)
    approved, refused = services.proposals_approve(
        municipality=municipality,
        ids=list(run.proposals.values_list("pk", flat=True)),
        actor=coordinator,
    )
    assert (approved, refused) == (2, [])
    period = KaaPeriod.objects.get(youth=leaving)
    assert (period.end_date, period.deregistration_reason.code) == (
        TODAY - 3 * DAY,
        "EJ_FOLKBOKFORD_I_KOMMUNEN",
    )
    hidden.refresh_from_db()
    assert hidden.protected_identity
    assert (hidden.address, hidden.postal_code, hidden.city) == ("", "", "")


def test_a_rejection_is_remembered_until_the_evidence_changes(municipality, coordinator):
    number = pnr(born_aged(17, TODAY))
    _population(municipality, post(number))
    proposal = _run(municipality).proposals.get()
    services.proposal_reject(
        proposal=proposal,
        actor=coordinator,
        rejection=Proposal.Rejection.NOT_IN_GROUP,
        note="Bor i Norge",
    )
    _population(municipality, post(number))  # the same data again
    assert _run(municipality).proposals.count() == 0
    _enrolments(municipality, f"{number};1;KOMVUX;;{TODAY - 5 * DAY};;N")
    again = _run(municipality).proposals.get()
    assert again.kind == "new"


def test_a_later_run_supersedes_open_proposals(municipality):
    number = pnr(born_aged(17, TODAY))
    _population(municipality, post(number))
    first = _run(municipality).proposals.get()
    _run(municipality)
    first.refresh_from_db()
    assert first.status == "superseded"
    assert Proposal.objects.open().count() == 1


def test_a_restricted_record_is_never_proposed(municipality, coordinator):
    from youth.data_protection.services import restriction_set

    youth = _registered(municipality)
    restriction_set(youth=youth, actor=coordinator, reason="Begäran", received_on=TODAY)
    _population(municipality, post(pnr(born_aged(17, TODAY))))
    run = _run(municipality)
    assert not run.proposals.filter(youth=youth).exists()
    assert Youth.objects.get(pk=youth.pk).restricted_at is not None


def test_the_evidence_names_every_source_row_with_its_delivery(municipality):
    number = pnr(born_aged(18, TODAY))
    _population(municipality, post(number, registered="20150301", guardians=("Eva Ek", "Åke Ek")))
    _enrolments(
        municipality,
        f"{number};S1;GY;IMV;2023-08-15;2024-06-10;N",
        f"{number};S2;KOMVUX;;2025-01-10;;N",
    )
    deliveries.completions_store(
        municipality=municipality,
        source_name="Examina",
        filename="e.csv",
        actor=None,
        stream=csv_file(
            "personnummer;typ;datum;utfardare", f"{number};studiebevis;2024-06-10;Alléskolan"
        ),
    )
    evidence = _proposal(_run(municipality), number).evidence
    population = evidence["population"]
    arrived = population.pop("arrived")
    assert arrived[:10] == f"{timezone.now():%Y-%m-%d}"
    assert isinstance(population.pop("delivery"), int)
    assert population == {
        "source": "Navet",
        "file": "navet.xml",
        "effective": "2026-11-30",
        "position": 1,
        "municipality_code": "1882",
        "registered_on": "2015-03-01",
        "deregistration_code": "",
        "deregistration_date": None,
        "protected": False,
        "secrecy": False,
        "referral": "",
        "guardians": ["Eva Ek", "Åke Ek"],
        "birth_date": born_aged(18, TODAY).isoformat(),
        "address": "Storgatan 1",
        "postal_code": "69630",
        "city": "Askersund",
    }
    assert [
        (
            e["school_unit"],
            e["school_type"],
            e["programme"],
            e["start"],
            e["end"],
            e["cancelled"],
            e["position"],
            e["file"],
        )
        for e in evidence["enrolments"]
    ] == [
        ("S1", "GY", "IMV", "2023-08-15", "2024-06-10", False, 2, "Skolor.csv"),
        ("S2", "KOMVUX", "", "2025-01-10", None, False, 3, "Skolor.csv"),
    ]
    assert [(c["kind"], c["date"], c["issuer"], c["source"]) for c in evidence["completions"]] == [
        ("studiebevis", "2024-06-10", "Alléskolan", "Examina")
    ]
    assert evidence["facts"]["lives_here"] is True


def test_differences_stream_in_chunks_and_a_new_number_still_merges(municipality, monkeypatch):
    """The comparison is read chunk by chunk; the two halves of a changed identity may sit in
    different chunks and still become one proposal."""
    monkeypatch.setattr("youth.identification.diff.CHUNK", 2)
    renumbered = _registered(municipality)
    gone = [_registered(municipality) for _ in range(3)]
    new_number = pnr(renumbered.birth_date)
    newcomers = [pnr(born_aged(17, TODAY)) for _ in range(4)]
    _population(
        municipality,
        post(new_number),
        *(post(n) for n in newcomers),
        post(
            renumbered.personnummer,
            dereg="GN",
            dereg_date=f"{TODAY - DAY:%Y%m%d}",
            referral=new_number,
        ),
    )
    run = _run(municipality)
    assert (run.new, run.leaving, run.changed) == (4, 3, 1)
    assert set(run.proposals.filter(kind="new").values_list("personnummer", flat=True)) == set(
        newcomers
    )
    assert set(run.proposals.filter(kind="leaving").values_list("youth_id", flat=True)) == {
        y.pk for y in gone
    }
    changed = run.proposals.get(kind="changed")
    assert (changed.youth_id, changed.evidence["new_personnummer"]) == (renumbered.pk, new_number)


def test_a_database_other_than_postgresql_is_refused_with_a_message(municipality, monkeypatch):
    """The demo runs on SQLite: a run there says why it cannot be made instead of failing."""
    from django.db import connection

    from youth.identification.models import Run

    _population(municipality, post(pnr(born_aged(17, TODAY))))
    monkeypatch.setattr(connection, "vendor", "sqlite")
    monkeypatch.setattr(connection, "display_name", "SQLite")
    with pytest.raises(ValidationError) as exc:
        _run(municipality)
    assert exc.value.code == "needs_postgresql"
    assert "använder SQLite (som demoläget)" in exc.value.messages[0]
    assert not Run.objects.exists()
