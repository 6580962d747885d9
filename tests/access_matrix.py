"""The access harness: every URL that shows personal data, tried as every persona.

Each later issue adds its URLs to CASES. `test_every_personal_url_is_covered` fails when a URL
in a personal-data namespace is neither here nor in EXEMPT, so no page escapes the matrix.
Every case also says which READ events an allowed request writes (`reads`, required: a page
that names no youth says so with NO_READ), and the matrix checks that each allowed request
wrote exactly those and each refusal exactly one `denied` event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "coach",
    "colleague",
    "other_team_coach",
    "coordinator",
    "stranger_coordinator",
    "manager",
    "admin_user",
)

# Namespaces whose every URL must be listed in CASES or EXEMPT.
PERSONAL_NAMESPACES = ("youth", "outreach", "plans", "records", "reporting")


# The youth every case builds about (the marker "Hemligsson" is its last name): the READ events
# of an allowed request must name it.
CASE_YOUTH_LAST_NAME = "Hemligsson"


@dataclass(frozen=True)
class Read:
    """One READ event an allowed request writes: its `what` (the event's detail), the kind
    of record read, and how it names the case's youth: as the record's youth ("record"), in
    the list of youths shown ("list"), or not at all (None: a page about no youth's record)."""

    what: str
    object_type: str = "youth.youth"
    names: str | None = "record"


# Each returns the one read of a page; a page writing two adds them: record(...) + listing(...).
def record(what: str, object_type: str = "youth.youth") -> tuple[Read, ...]:
    """A page about one record of the case's youth (or a bulk step, one event per youth)."""
    return (Read(what, object_type, "record"),)


def listing(what: str) -> tuple[Read, ...]:
    """A page whose rows name youths: one event listing the youths shown."""
    return (Read(what, "youth.youth", "list"),)


def page(what: str, object_type: str) -> tuple[Read, ...]:
    """A read that names no youth of the register (the audit log, a person not registered)."""
    return (Read(what, object_type, None),)


NO_READ: tuple[Read, ...] = ()


@dataclass(frozen=True)
class UrlCase:
    """One URL: how to build its data, who may see it, a marker only the data contains, and
    the READ events an allowed request writes."""

    url_name: str
    # Builds the objects (given the persona users) and returns (url kwargs, secret marker).
    build: Callable[[dict[str, Any]], tuple[dict[str, Any], str]]
    allowed: frozenset[str]
    reads: tuple[Read, ...]
    # A list page may answer 200 to other personas, as long as the marker is absent.
    list_page: bool = False
    query: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _audit_case(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    from kaa.models import AuditEvent

    marker = "4242424242"
    AuditEvent.objects.create(
        action="read",
        user=users["coach"],
        username="omar",
        municipality=users["coach"].municipality,
        object_type="youth.youth",
        object_id=marker,
        youth_id=int(marker),
    )
    return {}, marker


def _flagged_case(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    from kaa.models import AuditEvent

    marker = "Flaggmarkör"
    AuditEvent.objects.create(
        action="read",
        user=users["coach"],
        username="omar",
        municipality=users["coach"].municipality,
        flagged=True,
        object_type="youth.youth",
        youth_id=4242,
        detail=marker,
    )
    return {}, marker


def _audit_sample(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    from django.utils import timezone

    from kaa.models import AuditEvent
    from records.log_review.models import AuditSample

    event = AuditEvent.objects.create(
        action="read",
        user=users["coach"],
        username="omar",
        municipality=users["coach"].municipality,
        object_type="youth.youth",
        youth_id=4243,
        detail="Stickprovsmarkör",
    )
    sample = AuditSample.objects.create(
        municipality=users["coach"].municipality,
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
        event_ids=[event.pk],
        created_by=users["coordinator"],
    )
    return {"pk": sample.pk}, "Stickprovsmarkör"


def _youth_of_coach(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A youth in `coach`'s caseload (team Norr): visible to coach, colleague, coordinator."""
    from tests.factories import youth_make

    youth = youth_make(
        municipality=users["coach"].municipality,
        coach=users["coach"],
        first_name="Markör",
        last_name="Hemligsson",
    )
    return {"pk": youth.pk}, "Hemligsson"


def _home_visit(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A home visit to the coach's youth by the coach and colleague (team Norr), not checked
    out and alerted: the pair, their team and the coordinator act on it."""
    import datetime as dt

    from django.utils import timezone

    from outreach.models import HomeVisit
    from youth.models import Youth

    kwargs, marker = _youth_of_coach(users)
    now = timezone.now()
    visit = HomeVisit.objects.create(
        youth=Youth.objects.get(pk=kwargs["pk"]),
        staff=users["coach"],
        second_staff=users["colleague"],
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now - dt.timedelta(hours=1),
        place=HomeVisit.Place.HOME,
        alert_sent_at=now,
        created_by=users["coach"],
    )
    return {"pk": visit.pk}, marker


def _home_visit_alarms(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    return {}, _home_visit(users)[1]


def _ordered_extract(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A register extract ordered for the coach's youth; the list names the request's day."""
    import datetime as dt

    from records.register_extract.services import extract_order
    from youth.models import Youth

    kwargs, _marker = _youth_of_coach(users)
    extract_order(
        youth=Youth.objects.get(pk=kwargs["pk"]),
        actor=users["coordinator"],
        received_on=dt.date(2026, 3, 17),
        key=None,
    )
    return kwargs, "2026-03-17"


def _youth_list(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    _youth_of_coach(users)
    return {}, "Hemligsson"


def _valid_pnr() -> str:
    from django.utils import timezone

    from demo.youths import personnummer_for

    today = timezone.localdate()
    return personnummer_for(today.replace(year=today.year - 17), 777)


def _import_batch(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """An uploaded list without the coach's youth, who then shows as "missing" by name."""
    from django.utils import timezone

    from kaa.models import User
    from youth.models import ImportBatch, Reason

    _youth_of_coach(users)
    uploader = User.objects.filter(
        role="coordinator", municipality=users["coach"].municipality
    ).first()
    batch = ImportBatch.objects.create(
        municipality=users["coach"].municipality,
        uploaded_by=uploader,
        uploaded_at=timezone.now(),
        filename="lista.csv",
        rows=[["personnummer", "fornamn", "efternamn"], [_valid_pnr(), "Annan", "Person"]],
        reason=Reason.objects.get(kind="registration", code="OVRIGT"),
        start_date=timezone.localdate(),
    )
    return {"pk": batch.pk}, "Hemligsson"


def _queued_youth(users: dict[str, Any], days_ago: int = 10) -> tuple[dict[str, Any], str]:
    """The coach's youth with an overdue postcard in the work queue."""
    import datetime as dt

    from django.utils import timezone

    from outreach.routine.engine import deadlines_refresh
    from outreach.routine.services import routine_from_template
    from tests.factories import youth_make

    routine_from_template(municipality=users["coach"].municipality, key="askersund", actor=None)
    youth = youth_make(
        municipality=users["coach"].municipality,
        coach=users["coach"],
        first_name="Markör",
        last_name="Hemligsson",
        start_date=timezone.localdate() - dt.timedelta(days=days_ago),
    )
    deadlines_refresh()
    return {"pk": youth.pk}, "Hemligsson"


def _queue(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    _queued_youth(users)
    return {}, "Hemligsson"


def _new_this_week(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    _queued_youth(users, days_ago=1)
    return {}, "Hemligsson"


def _paper_batch_query(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The batch preview (GET) lists the youths whose postcards are due."""
    from outreach.letters.services import templates_ensure_defaults
    from outreach.models import MessageTemplate

    _queued_youth(users)
    templates_ensure_defaults(municipality=users["coach"].municipality, actor=None)
    template = MessageTemplate.objects.get(
        municipality=users["coach"].municipality, kind="postcard"
    )
    return {"_query": f"?channel=postcard&until=2099-12-31&template={template.pk}"}, "Hemligsson"


def _paper_batch(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A batch made by the coordinator: only its maker and coordinators may open it."""
    import datetime as dt

    from outreach.letters.services import letter_batch_create
    from outreach.models import MessageTemplate

    _paper_batch_query(users)
    template = MessageTemplate.objects.get(
        municipality=users["coach"].municipality, kind="postcard"
    )
    batch = letter_batch_create(
        user=users["coordinator"],
        template=template,
        channel="postcard",
        until=dt.date(2099, 12, 31),
    )
    return {"pk": batch.pk}, "Hemligsson"


def _planned_youth(users: dict[str, Any]) -> dict[str, Any]:
    """The coach's youth with a consent, a mapping conversation and a plan with one
    intervention; returns the objects by name."""
    from django.utils import timezone

    from plans.conversations.services import conversation_record
    from plans.models import Consent
    from tests.factories import occupation_type, plan_make, youth_make

    coach = users["coach"]
    youth = youth_make(
        municipality=coach.municipality, coach=coach, first_name="Markör", last_name="Hemligsson"
    )
    plan = plan_make(youth, actor=coach, interventions=1)
    conversation = conversation_record(
        youth=youth,
        actor=coach,
        held_on=timezone.localdate(),
        conducted_by=coach,
        school_status="dropped_out",
        occupation_type=occupation_type("SAKNAR"),
    )
    return {
        "youth": youth,
        "plan": plan,
        "conversation": conversation,
        "consent": Consent.objects.get(youth=youth),
        "intervention": plan.interventions.get(),
    }


def _plans_youth(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    return {"youth_pk": _planned_youth(users)["youth"].pk}, "Hemligsson"


def _plans_object(name: str) -> Callable[[dict[str, Any]], tuple[dict[str, Any], str]]:
    def build(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
        made = _planned_youth(users)
        kwargs = {"youth_pk": made["youth"].pk, "pk": made[name].pk}
        if name == "intervention":
            kwargs.update(pk=made["plan"].pk, intervention_pk=made["intervention"].pk)
        return kwargs, "Hemligsson"

    return build


def _overdue_plan(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    import datetime as dt

    from plans.models import ActionPlan

    plan = _planned_youth(users)["plan"]
    ActionPlan.objects.filter(pk=plan.pk).update(
        next_follow_up=plan.start_date - dt.timedelta(days=3)
    )
    return {}, "Hemligsson"


def _meeting(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    from django.utils import timezone

    from plans.meetings.services import meeting_record
    from plans.models import Partner

    made = _planned_youth(users)
    school, _ = Partner.objects.get_or_create(
        municipality=users["coach"].municipality, name="Lindboskolan", kind="school"
    )
    meeting = meeting_record(
        municipality=school.municipality,
        actor=users["coordinator"],
        held_on=timezone.localdate(),
        partners=[school],
        youth_ids=[made["youth"].pk],
    )
    return {"pk": meeting.pk}, "Hemligsson"


def _meeting_proposal(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    from django.utils import timezone

    from plans.models import Partner

    _planned_youth(users)
    school, _ = Partner.objects.get_or_create(
        municipality=users["coach"].municipality, name="Lindboskolan", kind="school"
    )
    return {
        "_query": f"?held_on={timezone.localdate().isoformat()}&partners={school.pk}"
    }, "Hemligsson"


def _ukaa_offer(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A proposal of extended responsibility after 20 for the coach's youth, waiting for a
    coordinator's decision."""
    from plans.models import UkaaOffer
    from youth.models import KaaPeriod

    kwargs, marker = _youth_of_coach(users)
    period = KaaPeriod.objects.get(youth_id=kwargs["pk"])
    offer = UkaaOffer.objects.create(
        youth_id=kwargs["pk"], kaa_period=period, activity="Studier på komvux"
    )
    return {"pk": offer.pk}, marker


def _ukaa_offers(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    return {}, _ukaa_offer(users)[1]


def _hand_over(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A package handed to social services about the coach's planned youth."""
    from plans.consent.services import consent_record
    from plans.handover.services import hand_over_make
    from plans.models import Consent, Partner

    made = _planned_youth(users)
    consent = Consent.objects.get(youth=made["youth"])
    consent_record(
        youth=made["youth"],
        actor=users["coach"],
        given_on=consent.given_on,
        place="Askersund",
        guardian=consent.guardian,
        social_services=True,
    )
    partner, _ = Partner.objects.get_or_create(
        municipality=users["coach"].municipality, name="IFO Askersund", kind="social"
    )
    hand_over = hand_over_make(
        youth=made["youth"],
        actor=users["coach"],
        partner=partner,
        parts=["plan"],
        youth_agreed=True,
    )
    return {"youth_pk": made["youth"].pk, "pk": hand_over.pk}, "Hemligsson"


def _youth_period(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    kwargs, marker = _youth_of_coach(users)
    from youth.models import KaaPeriod

    period = KaaPeriod.objects.get(youth_id=kwargs["pk"])
    return {**kwargs, "period_pk": period.pk}, marker


def _scb_period(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A youth never contacted this half-year: named in the SCB check's warnings."""
    from django.utils import timezone

    from reporting.scb.periods import HalfYear

    _youth_of_coach(users)
    return {"period": str(HalfYear.containing(timezone.localdate()))}, "Hemligsson"


def _retention(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A gallring proposal that names a youth whose period ended long ago."""
    import datetime as dt

    from records.retention.models import RetentionRun

    kwargs, _marker = _youth_of_coach(users)
    RetentionRun.objects.create(
        municipality=users["coach"].municipality,
        proposed_at=dt.datetime.now(dt.UTC),
        cutoffs={"youth": "2020-01-01"},
        counts={"youth": 1},
        items={"youth": {"youth.Youth": [kwargs["pk"]]}},
    )
    return {}, "Hemligsson"


def _scb_file(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    from django.utils import timezone

    from reporting.scb.periods import HalfYear
    from reporting.scb.services import file_build

    _youth_of_coach(users)
    today = timezone.localdate()
    file, _findings = file_build(
        municipality=users["coordinator"].municipality,
        period=HalfYear.containing(today),
        actor=users["coordinator"],
        today=today,
        override_reason="test",
    )
    return {"pk": file.pk}, file.sha256


def _eservice_answer(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """An answer the coach's youth sent through the e-service."""
    from outreach.eservice.services import access_code_for, submission_save

    kwargs, _marker = _youth_of_coach(users)
    from youth.models import Youth

    youth = Youth.objects.get(pk=kwargs["pk"])
    code = access_code_for(youth)
    sub = submission_save(
        code=code,
        data={"activity": "working", "employer": "Markörbolaget", "message": "Svarsmarkör"},
    )
    return {"pk": sub.pk}, "Svarsmarkör"


def _recheck(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A re-check of where the coach's youth went after a period that ended with studies."""
    from django.utils import timezone

    from outreach.models import OutcomeRecheck
    from tests.factories import reason
    from youth.models import KaaPeriod
    from youth.register.services import period_close

    kwargs, marker = _youth_of_coach(users)
    period = KaaPeriod.objects.get(youth_id=kwargs["pk"], end_date__isnull=True)
    period_close(
        period=period,
        end_date=timezone.localdate(),
        reason=reason("PABORJAT_NATIONELLT_EL_MOTSV", "deregistration"),
        actor=None,
    )
    return {"pk": OutcomeRecheck.objects.filter(period=period).first().pk}, marker


def _school_notice(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    from django.utils import timezone

    from plans.models import SchoolNotification

    notice = SchoolNotification.objects.create(
        municipality=users["coach"].municipality,
        kind="stopped",
        personnummer=_valid_pnr(),
        first_name="Elev",
        last_name="Anmälningsmarkör",
        school="Markörgymnasiet",
        event_date=timezone.localdate(),
        contact_name="Rektor",
        contact_email="r@skola.example",
    )
    return {"pk": notice.pk}, "Anmälningsmarkör"


def _school_inbox(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    _school_notice(users)
    return {}, "Markörgymnasiet"


def _pending_role_grant(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A role the admin asked for, waiting for a coordinator: the page names the account."""
    from kaa.accounts import role_grant_request
    from tests.factories import UserFactory

    newcomer = UserFactory(
        username="nykomling",
        last_name="Behörighetsmarkör",
        role="none",
        municipality=users["coach"].municipality,
    )
    role_grant_request(user=newcomer, role="coach", actor=users["admin_user"])
    return {}, "Behörighetsmarkör"


def _identification_proposal(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """An open proposal in the coordinator's municipality (a person not yet registered)."""
    from django.utils import timezone

    from youth.identification.models import Proposal, Run

    municipality = users["coordinator"].municipality
    run = Run.objects.create(
        municipality=municipality, on=timezone.localdate(), started_at=timezone.now()
    )
    proposal = Proposal.objects.create(
        run=run,
        municipality=municipality,
        personnummer=_valid_pnr(),
        kind="new",
        reason="OVRIGT",
        first_name="Identifieringsmarkör",
        last_name="Berg",
        effective_on=timezone.localdate(),
        evidence={},
        evidence_hash="x",
    )
    return {"pk": proposal.pk}, "Identifieringsmarkör"


def _identification_queue(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    _kwargs, marker = _identification_proposal(users)
    return {}, marker


def _identification_coverage(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A person the registers put in the coordinator's municipality's target group who is not
    in the register: listed by name on the coverage list of the missing."""
    import datetime as dt

    from django.utils import timezone

    from youth.identification import rule
    from youth.identification.deliveries import source_ensure
    from youth.identification.models import PopulationRecord, Run, SourceDelivery

    municipality = users["coordinator"].municipality
    today = timezone.localdate()
    number = _valid_pnr()
    birth = dt.date(int(number[:4]), int(number[4:6]), int(number[6:8]))
    source = source_ensure(municipality=municipality, kind="population", name="Navet")
    delivery = SourceDelivery.objects.create(
        source=source, format="population_csv", arrived_at=timezone.now()
    )
    PopulationRecord.objects.create(
        municipality=municipality,
        personnummer=number,
        birth_date=birth,
        past_compulsory_on=rule.past_compulsory_on(birth),
        turns_20_on=rule.turns_20_on(birth),
        first_name="Täckningsmarkör",
        last_name="Berg",
        municipality_code=municipality.code,
        delivery=delivery,
        position=2,
    )
    Run.objects.create(municipality=municipality, on=today, started_at=timezone.now())
    return {"kind": "saknas"}, "Täckningsmarkör"


CASE_WORKERS = frozenset({"coach", "colleague", "coordinator"})
COORDINATOR = frozenset({"coordinator"})

CASES: list[UrlCase] = [
    UrlCase(
        "records:audit_list",
        _audit_case,
        COORDINATOR,
        page("loggkontroll", "kaa.auditevent"),
        list_page=True,
    ),
    UrlCase("youth:list", _youth_list, CASE_WORKERS, listing("ungdomslista"), list_page=True),
    UrlCase(
        "youth:caseload",
        _youth_list,
        frozenset({"coach"}),
        listing("mina_ungdomar"),
        list_page=True,
    ),
    UrlCase("youth:detail", _youth_of_coach, CASE_WORKERS, record("ungdom")),
    UrlCase("youth:edit", _youth_of_coach, CASE_WORKERS, record("kontaktuppgifter")),
    UrlCase(
        "youth:occupation_add", _youth_of_coach, CASE_WORKERS, record("ungdom:sysselsattning")
    ),
    UrlCase("youth:guardian_add", _youth_of_coach, CASE_WORKERS, record("ungdom:vardnadshavare")),
    UrlCase("youth:period_close", _youth_of_coach, COORDINATOR, record("period:avsluta")),
    UrlCase("youth:period_open", _youth_of_coach, COORDINATOR, record("period:starta")),
    UrlCase("youth:assign", _youth_of_coach, COORDINATOR, record("ungdom:tilldela")),
    UrlCase("youth:period_edit", _youth_period, COORDINATOR, record("period", "youth.kaaperiod")),
    UrlCase("youth:data_protection", _youth_of_coach, COORDINATOR, record("dataskydd")),
    UrlCase("records:extract_list", _ordered_extract, COORDINATOR, record("registerutdrag")),
    UrlCase(
        "records:access_review",
        _flagged_case,
        COORDINATOR,
        page("loggkontroll granskning", "kaa.auditevent"),
        list_page=True,
    ),
    UrlCase(
        "records:access_sample",
        _audit_sample,
        COORDINATOR,
        page("loggkontroll stickprov", "kaa.auditevent"),
    ),
    UrlCase("youth:import_preview", _import_batch, COORDINATOR, record("importgranskning")),
    UrlCase(
        "youth:identification:queue",
        _identification_queue,
        COORDINATOR,
        page("identifiering", "youth.proposal"),
        list_page=True,
    ),
    UrlCase(
        "youth:identification:proposal_detail",
        _identification_proposal,
        COORDINATOR,
        page("identifiering:underlag", "youth.proposal"),
    ),
    UrlCase(
        "youth:identification:coverage_list",
        _identification_coverage,
        COORDINATOR,
        page("identifiering:tackning:saknas:1", "youth.youth"),
        list_page=True,
    ),
    UrlCase(
        "outreach:queue",
        _queue,
        frozenset({"coach", "coordinator"}),
        listing("arbetsko"),
        list_page=True,
    ),
    UrlCase(
        "outreach:review", _new_this_week, CASE_WORKERS, listing("veckogenomgang"), list_page=True
    ),
    UrlCase("outreach:youth_tab", _queued_youth, CASE_WORKERS, record("uppsok")),
    UrlCase("outreach:contact_log", _queued_youth, CASE_WORKERS, record("kontaktforsok")),
    UrlCase("outreach:reached", _queued_youth, CASE_WORKERS, record("nadd")),
    UrlCase("outreach:message_send", _queued_youth, CASE_WORKERS, record("meddelande")),
    UrlCase(
        "outreach:batch_new", _paper_batch_query, CASE_WORKERS, listing("utskick"), list_page=True
    ),
    UrlCase("outreach:batch_detail", _paper_batch, COORDINATOR, listing("utskick")),
    UrlCase(
        "outreach:eservice_review",
        _eservice_answer,
        CASE_WORKERS,
        record("e-tjanstsvar", "outreach.eservicesubmission"),
    ),
    UrlCase(
        "outreach:recheck",
        _recheck,
        CASE_WORKERS,
        record("aterkontroll", "outreach.outcomerecheck"),
    ),
    UrlCase("outreach:homevisit_plan", _youth_of_coach, CASE_WORKERS, record("hembesok")),
    UrlCase(
        "outreach:homevisit_detail",
        _home_visit,
        CASE_WORKERS,
        record("hembesok", "outreach.homevisit"),
    ),
    UrlCase(
        "outreach:homevisit_alerts",
        _home_visit_alarms,
        CASE_WORKERS,
        listing("hembesok:larm"),
        list_page=True,
    ),
    UrlCase("plans:school_inbox", _school_inbox, COORDINATOR, NO_READ, list_page=True),
    UrlCase(
        "plans:school_detail",
        _school_notice,
        COORDINATOR,
        page("skolanmalan", "plans.schoolnotification"),
    ),
    UrlCase("plans:youth_tab", _plans_youth, CASE_WORKERS, record("planer")),
    UrlCase("plans:conversation_add", _plans_youth, CASE_WORKERS, record("kartlaggning.ny")),
    UrlCase("plans:consent_add", _plans_youth, CASE_WORKERS, record("samtycke.ny")),
    UrlCase("plans:plan_add", _plans_youth, CASE_WORKERS, record("ny_plan", "plans.consent")),
    UrlCase(
        "plans:conversation_detail",
        _plans_object("conversation"),
        CASE_WORKERS,
        record("kartlaggning", "plans.mappingconversation"),
    ),
    UrlCase(
        "plans:consent_detail",
        _plans_object("consent"),
        CASE_WORKERS,
        record("samtycke", "plans.consent"),
    ),
    UrlCase(
        "plans:plan_detail",
        _plans_object("plan"),
        CASE_WORKERS,
        record("handlingsplan", "plans.actionplan"),
    ),
    UrlCase(
        "plans:plan_edit",
        _plans_object("plan"),
        CASE_WORKERS,
        record("andra_plan", "plans.actionplan"),
    ),
    UrlCase(
        "plans:intervention_add",
        _plans_object("plan"),
        CASE_WORKERS,
        record("insats", "plans.actionplan"),
    ),
    UrlCase(
        "plans:intervention_edit",
        _plans_object("intervention"),
        CASE_WORKERS,
        record("insats", "plans.intervention"),
    ),
    UrlCase(
        "plans:follow_up",
        _plans_object("plan"),
        CASE_WORKERS,
        record("uppfoljning", "plans.actionplan"),
    ),
    UrlCase(
        "plans:closing",
        _plans_object("plan"),
        CASE_WORKERS,
        record("avslutande_samtal", "plans.actionplan"),
    ),
    UrlCase(
        "plans:revisions",
        _plans_object("plan"),
        CASE_WORKERS,
        record("revisioner", "plans.actionplan"),
    ),
    UrlCase(
        "plans:overdue", _overdue_plan, CASE_WORKERS, listing("sena_uppfoljningar"), list_page=True
    ),
    UrlCase("plans:handover_new", _plans_youth, CASE_WORKERS, record("overlamning.ny")),
    UrlCase(
        "plans:handover_detail", _hand_over, CASE_WORKERS, record("overlamning", "plans.handover")
    ),
    UrlCase("plans:ukaa_list", _ukaa_offers, COORDINATOR, listing("ukaa"), list_page=True),
    UrlCase("plans:ukaa_decide", _ukaa_offer, COORDINATOR, record("ukaa")),
    UrlCase("plans:meeting_detail", _meeting, COORDINATOR, listing("natverksmote")),
    UrlCase(
        "plans:meeting_new",
        _meeting_proposal,
        COORDINATOR,
        listing("natverksmote.forslag"),
        list_page=True,
    ),
    UrlCase(
        "reporting:scb_period", _scb_period, COORDINATOR, record("scb-kontroll"), list_page=True
    ),
    UrlCase("reporting:scb_file", _scb_file, COORDINATOR, page("scb-fil", "reporting.scbfile")),
    UrlCase(
        "records:retention", _retention, COORDINATOR, record("gallringsförslag"), list_page=True
    ),
    UrlCase(
        "kaa:staff",
        _pending_role_grant,
        frozenset({"coordinator", "admin_user"}),
        NO_READ,
        list_page=True,
    ),
]

# URLs in the personal namespaces that show no personal data of their own, with the reason.
EXEMPT: dict[str, str] = {
    "youth:register": "an empty form; tested in tests/youth/test_views.py",
    "records:access_sample_new": "POST only (coordinator); tests/records/test_access_review.py",
    "youth:reason": "asks for a reason, names nobody (404 outside scope); test_views.py",
    "youth:assign_bulk": "POST only, filters ids through visible_to; tested in test_views.py",
    "youth:hand_over": "lists staff only (coordinator); tested in test_views.py",
    "youth:note_add": "POST only through youth_get_for_user; tested in test_views.py",
    "youth:note_edit": "author only; tested in test_views.py",
    "youth:export": "an xlsx file (not HTML); tested in tests/youth/test_export.py",
    "outreach:task_outcome": "POST only, through get_for_user; tested in test_views.py",
    "outreach:tasks_bulk_done": "POST only, ids filtered by visible_to; test_views.py",
    "outreach:eservice_revoke": "POST only through youth_get_for_user; test_eservice.py",
    "outreach:homevisit_check_in": "POST only, through get_for_user; test_homevisits.py",
    "outreach:homevisit_check_out": "POST only, through get_for_user; test_homevisits.py",
    "outreach:homevisit_cancel": "POST only, through get_for_user; test_homevisits.py",
    "outreach:homevisit_outcome": "POST only, through get_for_user; test_homevisits.py",
    "outreach:homevisit_acknowledge": "POST only, through get_for_user; test_homevisits.py",
    "outreach:homevisit_knock_card": "a PDF (not HTML), through get_for_user; test_homevisits.py",
    "outreach:homevisit_duty": "names staff only (coordinator, CONFIGURE); test_homevisits.py",
    "plans:school_accept": "POST only, coordinator, own municipality; test_school.py",
    "plans:school_reject": "POST only, coordinator, own municipality; test_school.py",
    "outreach:routines": "configuration, no personal data (coordinator)",
    "outreach:batch_pdf": "a PDF (compressed text); access tested in test_letters.py",
    "outreach:batch_confirm": "POST only, same access as batch_detail; test_letters.py",
    "outreach:templates": "configuration, no personal data (coordinator)",
    "outreach:template_new": "configuration, no personal data (coordinator)",
    "outreach:template_edit": "configuration, no personal data (coordinator)",
    "outreach:routine_template": "configuration, POST only (coordinator)",
    "outreach:routine_edit": "configuration, no personal data (coordinator)",
    "outreach:routine_migrate": "configuration, POST only (coordinator)",
    "youth:import_upload": "an empty upload form (coordinator); tested in test_import_views.py",
    "youth:mapping_create": "an empty form (coordinator); tested in test_import_views.py",
    "youth:identification:source_upload": "POST only (coordinator, own municipality); "
    "tests/youth/identification/test_views.py",
    "youth:identification:run_now": "POST only (coordinator, own municipality); "
    "tests/youth/identification/test_views.py",
    "youth:identification:proposals_approve": "POST only, ids filtered to the own "
    "municipality; identification/test_views.py",
    "plans:consent_revoke": "POST only through youth_get_for_user; tests/plans/test_views.py",
    "plans:consent_paper": "POST only through youth_get_for_user; tests/plans/test_views.py",
    "plans:consent_pdf": "a PDF (compressed text); access tested in tests/plans/test_pdf.py",
    "plans:plan_pdf": "a PDF (compressed text); access tested in tests/plans/test_pdf.py",
    "plans:consent_scan": "a file download; access tested in tests/plans/test_views.py",
    "plans:handover_pdf": "a stored PDF download; access tested in tests/plans/test_handover.py",
    "plans:meeting_list": "dates and partner names only (coordinator); test_views.py",
    "plans:preventive_new": "an empty form; tested in tests/plans/test_views.py",
    "plans:catalogue": "configuration, no personal data (coordinator)",
    "plans:catalogue_add": "configuration, no personal data (coordinator)",
    "plans:catalogue_edit": "configuration, no personal data (coordinator)",
    "plans:partners": "configuration, no personal data (coordinator)",
    "plans:partner_add": "configuration, no personal data (coordinator)",
    "plans:partner_edit": "configuration, no personal data (coordinator)",
    "reporting:dashboard": "aggregates only, suppressed for managers; tests/reporting/test_stats",
    "reporting:definitions": "documentation of the figures, no data",
    "reporting:reports": "board reports (aggregates); tests/reporting/test_board_reports.py",
    "reporting:report_pdf": "aggregate PDF; access tested in test_board_reports.py",
    "reporting:report_xlsx": "aggregate xlsx; access tested in test_board_reports.py",
    "reporting:scb_list": "half-years and counts only (coordinator); tests/reporting",
    "reporting:scb_profile": "the export profile, no personal data (coordinator)",
    "reporting:scb_banner": "counts only (coordinator); tests/reporting/test_scb_views.py",
    "outreach:todo_counts": "start-page counts only; tests/kaa/test_start_page.py",
    "reporting:scb_archive": "the SCB files list (no youth); tests/reporting/"
    "test_refresh_when_ready.py",
    "reporting:reports_list": "the board reports list (aggregates); tests/reporting/"
    "test_refresh_when_ready.py",
    "youth:todo_counts": "start-page counts only; tests/kaa/test_start_page.py",
    "youth:identification:todo_counts": "start-page counts only; tests/kaa/test_start_page.py",
    "plans:school_todo_counts": "start-page counts only; tests/kaa/test_start_page.py",
    "plans:ukaa_todo_counts": "start-page counts only (coordinator); tests/plans/test_ukaa.py",
    "records:retention_todo_counts": "start-page counts only; tests/kaa/test_start_page.py",
    "records:register_extract": "POST only (orders the PDF); access tested in "
    "tests/records/test_register_extract.py",
    "records:extract_download": "a PDF download; access tested in "
    "tests/records/test_register_extract.py",
    "reporting:scb_file_download": "a file download; access tested in test_scb_views.py",
    "reporting:scb_file_readable": "an xlsx download; access tested in test_scb_views.py",
    "reporting:scb_file_submit": "POST only, same access as scb_file; test_scb_views.py",
    "records:retention_propose": "POST only (coordinator); tests/records/test_retention.py",
    "records:retention_decide": "POST only (coordinator); tests/records/test_retention.py",
    "kaa:role_grant_decide": "POST only, staff of the own municipality; test_accounts.py",
    "kaa:staff_second_factor_link": "POST only, staff of the own municipality; "
    "tests/kaa/test_accounts.py",
    "kaa:account_link": "the one-time link (no login); tests/kaa/test_accounts.py",
    "kaa:account_link_form": "the one-time link's page (no login); tests/kaa/test_accounts.py",
    "kaa:password_change": "one's own password, no data of anyone else; test_accounts.py",
    "kaa:password_forgot": "asks for a link by e-mail (no login), answers the same for any "
    "name; tests/kaa/test_accounts.py",
    "kaa:oidc_login": "single sign-on: off to the identity provider (no login); test_sso.py",
    "kaa:oidc_callback": "single sign-on: the provider's answer (no login); test_sso.py",
    # Outside the personal namespaces, listed so that nobody adds them to CASES: monitoring's
    # addresses take no session (a staff login gets nothing more) and name no person.
    "healthz": "monitoring: status, or parts and counts with KAA_HEALTHZ_TOKEN; test_healthz.py",
    "metrics": "monitoring: counts and view names with KAA_METRICS_TOKEN only (404 without one "
    "configured, 403 to anyone else, a staff session included); tests/kaa/test_metrics.py",
}
