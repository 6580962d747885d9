"""Gallring: policies per record type with a warning below KAA's minimum, a
proposal, a coordinator's decision, and a run that deletes or anonymises while every statistic
stays the same and the log of it keeps no deleted data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from outreach.models import ContactAttempt, EserviceSubmission, OutgoingMessage, Task
from plans.models import ActionPlan, Consent, Intervention, PlanRevision, SchoolNotification
from records.retention import services as retention
from records.retention.models import RetentionPolicy, RetentionRun
from reporting.scb.services import file_build
from reporting.stats.definitions import Scope
from reporting.stats.periods import span_of
from reporting.stats.present import ANNUAL, BOARD, DASHBOARD, sections
from tests.factories import consent_make, reason
from tests.records.test_register_extract import _rich_youth
from tests.reporting.conftest import H1
from youth.models import FieldChange, Guardian, KaaPeriod, Note, Youth

pytestmark = pytest.mark.django_db
LATER = "2028-03-06 09:00 +01:00"


def _statistics(municipality) -> str:
    """Every dashboard and board-report figure for 2026, by month, tertial, half and year."""
    out = []
    spans = [span_of("year", 2026), span_of("half_year", 2026, 1), span_of("half_year", 2026, 2)]
    spans += [span_of("month", 2026, m) for m in range(1, 13)]
    keys = sorted(set(DASHBOARD) | set(BOARD["tertial"]) | {k for k, _q in ANNUAL})
    for span in spans:
        scope = Scope(
            municipality_id=municipality.pk, span=span, team_id=None, today=dt.date(2026, 12, 31)
        )
        out.append(repr(sections(scope, keys, suppress=False)))
    return "\n".join(out)


@pytest.fixture
def colleague_coordinator(municipality):
    """A second coordinator: approves what the first set the rules for (four eyes)."""
    from tests.factories import UserFactory

    return UserFactory(username="karin", role="coordinator", municipality=municipality)


def _all_policies(municipality, actor, months=12, only=None):
    """Policies for every record type (or `only` these and what the register record needs);
    the register record last, as it waits for the records it takes with it."""
    types = [t for t in retention.RULES if t != "youth"] + ["youth"]
    if only is not None:
        types = [t for t in types if t in only or ("youth" in only and t in retention.PER_YOUTH)]
    for record_type in types:
        retention.policy_save(
            municipality=municipality,
            record_type=record_type,
            months=retention.months_in_force(record_type, months),
            decision="DHP 2027 §4",
            actor=actor,
        )


def _close_everything(youth, day):
    KaaPeriod.objects.filter(youth=youth).update(
        end_date=day, deregistration_reason=reason("FYLLT_20", "deregistration")
    )
    ActionPlan.objects.filter(youth=youth).update(closed_on=day, status="closed")


@pytest.fixture
def world(time_machine, municipality, register, coordinator, coach):
    """The SCB edge cases of 2026H1 plus one youth with every kind of record, whose case
    closed in June 2026; an SCB file for 2026H1."""
    time_machine.move_to("2026-05-04 09:00 +02:00", tick=False)
    rich = _rich_youth(municipality, coach)
    consent_make(rich, actor=coach)
    OutgoingMessage.objects.create(
        youth=rich, channel="sms", recipient="070-1", body="Hej Amal", created_by=coach
    )
    ContactAttempt.objects.filter(youth=rich).update(note="Amal ringde tillbaka")
    # A routine step: the deadline statistics group by its title.
    Task.objects.create(
        youth=rich,
        kind=Task.Kind.STEP,
        title="Brev 1",
        status="done",
        due_date=dt.date(2026, 5, 10),
        done_at=timezone.now(),
    )
    _close_everything(rich, dt.date(2026, 6, 30))
    time_machine.move_to("2026-09-01 09:00 +02:00", tick=False)
    file, findings = file_build(
        municipality=municipality, period=H1, actor=coordinator, today=dt.date(2026, 9, 1)
    )
    assert file is not None, findings.counts
    return {"rich": rich, **register, "file": file}


def test_a_run_anonymises_what_is_due_and_every_statistic_stays_the_same(
    world,
    municipality,
    coordinator,
    colleague_coordinator,
    time_machine,
    django_capture_on_commit_callbacks,
):
    before = _statistics(municipality)
    rich, file = world["rich"], world["file"]
    birth_date, scb_rows = rich.birth_date, (file.row_count, file.youth_count, file.sha256)
    rich_version = Youth.objects.get(pk=rich.pk).version
    intervention_versions = dict(
        Intervention.objects.filter(plan__youth=rich).values_list("pk", "version")
    )
    time_machine.move_to(LATER, tick=False)
    _all_policies(municipality, coordinator)
    run = retention.propose(municipality=municipality, today=timezone.localdate())
    assert run is not None
    due_youths = set(run.items["youth"]["youth.Youth"])
    # Closed more than 12 months ago: Bo, Dan, Eva, Gus and the rich youth; not Anna (open
    # plan), Cia, Fia or Hugo (open periods).
    assert due_youths == {world[k].pk for k in ("bo", "dan", "eva", "gus", "rich")}
    proposed = dict(run.counts)
    with django_capture_on_commit_callbacks(execute=True):
        retention.decide(run=run, actor=colleague_coordinator, approve=True)
    run.refresh_from_db()
    assert run.status == "done"
    assert run.items == {}
    assert run.result["youth"] == 5
    # Each kind's own step counts its records (the register record goes last, so it does not
    # take them first): what was done is what was proposed.
    assert run.result == proposed

    # Identity and free text are gone ...
    rich.refresh_from_db()
    assert (rich.first_name, rich.last_name, rich.phone, rich.address) == ("Gallrad", "", "", "")
    assert rich.personnummer == f"G{rich.pk}"
    assert rich.anonymised_at is not None
    # A form opened on the record or its interventions before the run is stale after it.
    assert rich.version == rich_version + 1
    assert intervention_versions
    for pk, version in Intervention.objects.filter(plan__youth=rich).values_list("pk", "version"):
        assert version == intervention_versions[pk] + 1
    assert not Youth.objects.filter(
        last_name__in=["Berg", "Dahl", "Ek", "Gustavsson", "Utdragsson"]
    ).exists()
    for model in (
        Note,
        Guardian,
        FieldChange,
        Consent,
        OutgoingMessage,
        EserviceSubmission,
        SchoolNotification,
        PlanRevision,
    ):
        assert not model.objects.filter(
            **({"plan__youth": rich} if model is PlanRevision else {"youth": rich})
        ).exists()
    assert not ContactAttempt.objects.filter(youth=rich).exclude(note="").exists()
    assert not Intervention.objects.filter(plan__youth=rich).exclude(purpose="").exists()
    assert not ActionPlan.objects.filter(youth=rich).exclude(goal="").exists()
    # ... the skeleton the statistics count is not.
    assert rich.birth_date == birth_date
    assert ContactAttempt.objects.filter(youth=rich).exists()
    assert KaaPeriod.objects.filter(youth=rich).exists()
    # Those still in KAA are untouched.
    assert Youth.objects.get(pk=world["anna"].pk).last_name == "Andersson"
    # Every statistic is equal; the SCB file keeps its counts and checksum, not its content.
    assert _statistics(municipality) == before
    file.refresh_from_db()
    assert (file.row_count, file.youth_count, file.sha256) == scb_rows
    assert not file.content
    assert file.entries.exists()  # fingerprints only: the next file is still compared
    # The deletion is logged with counts only.
    event = AuditEvent.objects.get(action="delete", object_type="records.retentionrun")
    assert event.detail.startswith("gallring ")
    assert "youth=5" in event.detail
    for name in ("Amal", "Utdragsson", "Berg", "Dahl"):
        assert name not in event.detail
    # Nobody can open an anonymised record any more.
    assert not Youth.objects.visible_to(coordinator).filter(pk=rich.pk).exists()


def test_a_youth_back_in_kaa_since_the_proposal_is_left_alone(
    world,
    municipality,
    coordinator,
    colleague_coordinator,
    time_machine,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to(LATER, tick=False)
    _all_policies(municipality, coordinator, only={"youth"})
    run = retention.propose(municipality=municipality, today=timezone.localdate())
    bo = world["bo"]
    assert bo.pk in run.items["youth"]["youth.Youth"]
    KaaPeriod.objects.create(
        youth=bo,
        start_date=timezone.localdate(),
        registration_reason=KaaPeriod.objects.filter(youth=bo).first().registration_reason,
    )
    with django_capture_on_commit_callbacks(execute=True):
        retention.decide(run=run, actor=colleague_coordinator, approve=True)
    bo.refresh_from_db()
    assert bo.last_name == "Berg"
    run.refresh_from_db()
    assert run.result["youth"] == 4


def test_a_restricted_record_is_never_proposed(world, municipality, coordinator, time_machine):
    Youth.objects.filter(pk=world["gus"].pk).update(restricted_at=timezone.now())
    time_machine.move_to(LATER, tick=False)
    _all_policies(municipality, coordinator, only={"youth"})
    run = retention.propose(municipality=municipality, today=timezone.localdate())
    assert world["gus"].pk not in run.items["youth"]["youth.Youth"]


def test_a_second_delivery_of_the_run_does_nothing(
    world,
    municipality,
    coordinator,
    colleague_coordinator,
    time_machine,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to(LATER, tick=False)
    retention.policy_save(
        municipality=municipality,
        record_type="notes",
        months=12,
        decision="DHP",
        actor=coordinator,
    )
    run = retention.propose(municipality=municipality, today=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        retention.decide(run=run, actor=colleague_coordinator, approve=True)
    assert retention.execute(run.pk) == "already handled"
    assert AuditEvent.objects.filter(action="delete", object_id=str(run.pk)).count() == 1


def test_nothing_due_without_a_policy_and_a_new_proposal_replaces_the_old(
    world, municipality, coordinator, time_machine
):
    time_machine.move_to(LATER, tick=False)
    assert retention.propose(municipality=municipality, today=timezone.localdate()) is None
    assert retention.propose_all(today=timezone.localdate()) == 0
    retention.policy_save(
        municipality=municipality,
        record_type="notes",
        months=12,
        decision="DHP",
        actor=coordinator,
    )
    first = retention.propose(municipality=municipality, today=timezone.localdate())
    second = retention.propose(municipality=municipality, today=timezone.localdate())
    first.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "proposed")


def test_every_model_about_a_youth_is_handled_by_the_youth_gallring():
    """A model added later that points at a youth must be deleted or anonymised too."""
    import inspect

    handled = inspect.getsource(retention._anonymise_youths) + inspect.getsource(
        retention._anonymise_plans
    )  # which the first calls
    from plans.models import ClosingConversation, PlanFollowUp

    about_youths = {
        model
        for model in apps.get_models()
        if any(
            isinstance(f, models.ForeignKey) and f.related_model is Youth
            for f in model._meta.get_fields()
            if f.concrete
        )
    }
    about_youths |= {Intervention, PlanFollowUp, ClosingConversation, PlanRevision}
    missing = {m.__name__ for m in about_youths if m.__name__ not in handled}
    assert not missing, f"add these to records.retention.services._anonymise_youths: {missing}"


class TestPages:
    def test_a_policy_shorter_than_the_minimum_warns_and_keeps_the_input(
        self, client_for, coordinator, municipality
    ):
        client = client_for(coordinator)
        url = reverse("records:retention")
        response = client.post(
            url,
            {
                "record_type": "contacts",
                "contacts-months": "3",
                "contacts-decision": "DHP 2027 §7",
            },
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "kortare än KAA:s lägsta tid, 12 månader" in body
        assert 'value="DHP 2027 §7"' in body
        assert not RetentionPolicy.objects.exists()
        response = client.post(
            url,
            {
                "record_type": "contacts",
                "contacts-months": "3",
                "contacts-decision": "DHP 2027 §7",
                "contacts-below_minimum_ok": "on",
            },
            follow=True,
        )
        policy = RetentionPolicy.objects.get(record_type="contacts")
        assert (policy.months, policy.below_minimum) == (3, True)
        assert "Tiden är kortare än KAA:s lägsta tid (12 månader)." in response.content.decode()
        assert AuditEvent.objects.get(object_type="records.retentionpolicy").flagged

    def test_months_need_the_decision_they_rest_on(self, client_for, coordinator):
        response = client_for(coordinator).post(
            reverse("records:retention"), {"record_type": "notes", "notes-months": "36"}
        )
        assert "Ange gallringsbeslutet som tiden bygger på." in response.content.decode()
        assert not RetentionPolicy.objects.exists()

    def test_a_coordinator_reviews_and_approves_a_proposal(
        self,
        world,
        client_for,
        coordinator,
        colleague_coordinator,
        municipality,
        time_machine,
        django_capture_on_commit_callbacks,
    ):
        time_machine.move_to(LATER, tick=False)
        # A colleague sets the rules and asks for a proposal; the coordinator approves it.
        _all_policies(municipality, colleague_coordinator)
        client_for(colleague_coordinator).post(reverse("records:retention_propose"))
        client = client_for(coordinator)
        run = RetentionRun.objects.get(status="proposed")
        page = client.get(reverse("records:retention")).content.decode()
        assert "Utdragsson" in page
        assert "Anna Andersson" not in page  # still in KAA
        assert AuditEvent.objects.filter(
            action="read", detail="gallringsförslag", youth_id=world["rich"].pk
        ).exists()
        response = client.post(
            reverse("records:retention_decide", args=[run.pk]), {"decision": "reject"}, follow=True
        )
        assert "Skriv varför förslaget avslås." in response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            unreviewed = client.post(
                reverse("records:retention_decide", args=[run.pk]),
                {"decision": "approve"},
                follow=True,
            )
            assert "Kryssa i att du har granskat förslaget" in unreviewed.content.decode()
            assert RetentionRun.objects.get(pk=run.pk).status == "proposed"
            client.post(
                reverse("records:retention_decide", args=[run.pk]),
                {"decision": "approve", "reviewed": "on"},
            )
        page = client.get(reverse("records:retention")).content.decode()
        assert "Genomförd" in page
        assert "Utdragsson" not in page
        again = client.post(
            reverse("records:retention_decide", args=[run.pk]),
            {"decision": "approve", "reviewed": "on"},
            follow=True,
        )
        assert "redan behandlat" in again.content.decode()
        scb = client.get(reverse("reporting:scb_file", args=[world["file"].pk]))
        assert "Filens innehåll är gallrat" in scb.content.decode()

    def test_only_the_municipality_s_coordinators_decide(
        self, world, client_for, coach, manager, stranger_coordinator, municipality, coordinator
    ):
        _all_policies(municipality, coordinator)
        run = RetentionRun.objects.create(
            municipality=municipality,
            proposed_at=timezone.now(),
            counts={"notes": 1},
            cutoffs={"notes": "2020-01-01"},
        )
        url = reverse("records:retention_decide", args=[run.pk])
        for user in (coach, manager):
            assert (
                client_for(user).post(url, {"decision": "approve", "reviewed": "on"}).status_code
                == 403
            )
            assert client_for(user).post(reverse("records:retention_propose")).status_code == 403
        assert (
            client_for(stranger_coordinator)
            .post(url, {"decision": "approve", "reviewed": "on"})
            .status_code
            == 404
        )
        run.refresh_from_db()
        assert run.status == "proposed"


def test_the_register_record_waits_for_the_records_it_takes_with_it(
    world, municipality, coordinator, time_machine
):
    with pytest.raises(ValidationError, match="kontaktförsök och meddelanden; anteckningar"):
        retention.policy_save(
            municipality=municipality,
            record_type="youth",
            months=12,
            decision="DHP",
            actor=coordinator,
        )
    _all_policies(municipality, coordinator)
    # Notes are later kept longer: the register records wait, the rest goes on.
    retention.policy_save(
        municipality=municipality,
        record_type="notes",
        months=60,
        decision="DHP",
        actor=coordinator,
    )
    time_machine.move_to(LATER, tick=False)
    run = retention.propose(municipality=municipality, today=timezone.localdate())
    assert "youth" not in run.counts
    assert run.counts["contacts"] > 0


def test_a_failed_run_changes_nothing_and_is_flagged(
    world,
    municipality,
    coordinator,
    colleague_coordinator,
    time_machine,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to(LATER, tick=False)
    _all_policies(municipality, coordinator)
    run = retention.propose(municipality=municipality, today=timezone.localdate())

    def broken(queryset):
        raise OSError("disk full")

    monkeypatch.setitem(retention.ACTIONS, "outreach.LetterBatch", broken)
    monkeypatch.setitem(retention.ACTIONS, "reporting.ScbFile", broken)
    with (
        pytest.raises(OSError, match="disk full"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        retention.decide(run=run, actor=colleague_coordinator, approve=True)
    run.refresh_from_db()
    assert (run.status, run.error, run.items) == ("failed", "OSError", {})
    assert Youth.objects.get(pk=world["rich"].pk).last_name == "Utdragsson"
    assert AuditEvent.objects.get(detail="gallring:misslyckades").flagged


def test_changing_a_rule_replaces_the_open_proposal(
    world, municipality, coordinator, colleague_coordinator, time_machine, client_for
):
    time_machine.move_to(LATER, tick=False)
    _all_policies(municipality, coordinator)
    run = retention.propose(municipality=municipality, today=timezone.localdate())
    response = client_for(coordinator).post(
        reverse("records:retention"),
        {"record_type": "notes", "notes-months": "", "notes-decision": ""},
        follow=True,
    )
    assert "kan inte längre godkännas" in response.content.decode()
    run.refresh_from_db()
    assert (run.status, run.items) == ("superseded", {})
    with pytest.raises(ValidationError):
        retention.decide(run=run, actor=colleague_coordinator, approve=True)
    # The history lists runs that did something, not the replaced proposals.
    assert (
        "Ersatt" not in client_for(coordinator).get(reverse("records:retention")).content.decode()
    )


def test_a_run_follows_the_rules_as_they_are_when_it_is_carried_out(
    world,
    municipality,
    coordinator,
    colleague_coordinator,
    time_machine,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to(LATER, tick=False)
    _all_policies(municipality, coordinator)
    run = retention.propose(municipality=municipality, today=timezone.localdate())
    notes = Note.objects.count()
    assert run.counts["notes"] > 0
    with django_capture_on_commit_callbacks(execute=False) as queued:
        retention.decide(run=run, actor=colleague_coordinator, approve=True)
    # Between the approval and the run, notes are made to be kept (the rule saved through a
    # path that does not replace the run, as a concurrent save would).
    RetentionPolicy.objects.filter(municipality=municipality, record_type="notes").update(
        months=None
    )
    for callback in queued:
        callback()
    run.refresh_from_db()
    assert run.status == "done"
    assert "notes" not in run.result
    assert "youth" not in run.result  # the register record would take the notes with it
    assert Note.objects.count() == notes
    assert Youth.objects.get(pk=world["rich"].pk).last_name == "Utdragsson"
    assert run.result["contacts"] > 0  # the rest went ahead


def test_records_naming_a_restricted_youth_are_kept_even_outside_the_youth_s_own_rows(
    world, municipality, coordinator, coach, time_machine
):
    from plans.models import MeetingYouth, NetworkMeeting

    gus, bo = world["gus"], world["bo"]
    # Gus, and one of the youths in the SCB file, have their processing restricted.
    in_file = world["file"].entries.exclude(youth_id=bo.pk).order_by("youth_id").first()
    Youth.objects.filter(pk__in=[gus.pk, in_file.youth_id]).update(restricted_at=timezone.now())
    meetings = {}
    for key, youth in (("with_gus", gus), ("with_bo", bo)):
        meeting = NetworkMeeting.objects.create(
            municipality=municipality,
            held_on=dt.date(2026, 9, 1),
            agenda=f"Pratade om {youth.first_name}",
        )
        MeetingYouth.objects.create(
            meeting=meeting, youth=youth, consent=consent_make(youth, actor=coach)
        )
        meetings[key] = meeting
    notices = {}
    for key, youth in (("gus", gus), ("bo", bo)):  # handled, but not linked to the record
        notices[key] = SchoolNotification.objects.create(
            municipality=municipality,
            kind="stopped",
            personnummer=youth.personnummer,
            first_name=youth.first_name,
            last_name=youth.last_name,
            school="Alléskolan",
            event_date=dt.date(2026, 9, 1),
            contact_name="Eva",
            contact_email="e@s.example",
            status=SchoolNotification.Status.REJECTED,
        )
    time_machine.move_to(LATER, tick=False)
    _all_policies(municipality, coordinator)
    run = retention.propose(municipality=municipality, today=timezone.localdate())
    items = run.items
    assert meetings["with_bo"].pk in items["notes"]["plans.NetworkMeeting"]
    assert meetings["with_gus"].pk not in items["notes"]["plans.NetworkMeeting"]
    assert notices["bo"].pk in items["contacts"]["plans.SchoolNotification"]
    assert notices["gus"].pk not in items["contacts"]["plans.SchoolNotification"]
    assert "exports" not in items
    # Lifted, the file is due like any other.
    Youth.objects.filter(pk=in_file.youth_id).update(restricted_at=None)
    run = retention.propose(municipality=municipality, today=timezone.localdate())
    assert run.items["exports"]["reporting.ScbFile"] == [world["file"].pk]
