"""Action plans: consent required, interventions, revisions, follow-up tasks, closing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from outreach.models import Task
from plans.actionplans import services
from plans.actionplans.revisions import revision_compare
from plans.actionplans.work_queue import follow_up_tasks_refresh
from plans.catalogue.services import catalogue_ensure
from plans.conversations.services import conversation_record
from plans.models import ActionPlan, Intervention, InterventionType, MappingConversation
from plans.school.preventive import preventive_case_open
from tests.factories import consent_make, occupation_type, plan_make, reason, youth_make
from youth.models import KaaPeriod, Occupation, Youth
from youth.register.services import period_close

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _type(municipality, index=0):
    catalogue_ensure(municipality)
    return InterventionType.objects.filter(municipality=municipality)[index]


def test_a_plan_needs_a_valid_consent(municipality, coach):
    youth = youth_make(municipality=municipality, coach=coach)
    fields = {
        "goal": "Mål",
        "start_date": TODAY(),
        "case_worker": coach,
        "next_follow_up": TODAY() + dt.timedelta(days=30),
    }
    with pytest.raises(ValidationError) as err:
        services.plan_create(youth=youth, actor=coach, **fields)
    assert err.value.code == "no_consent"
    consent = consent_make(youth, actor=coach)
    plan = services.plan_create(youth=youth, actor=coach, **fields)
    assert plan.consent == consent
    assert plan.period.end_date is None
    youth.refresh_from_db()
    assert youth.in_measure
    assert youth.status == "in_measure"
    assert plan.revisions.get().summary == "Planen upprättad"
    with pytest.raises(ValidationError) as err:
        services.plan_create(youth=youth, actor=coach, **fields)
    assert err.value.code == "active_plan"


def test_follow_up_in_the_past_is_refused(municipality, coach):
    youth = youth_make(municipality=municipality, coach=coach)
    consent_make(youth, actor=coach)
    with pytest.raises(ValidationError) as err:
        services.plan_create(
            youth=youth,
            actor=coach,
            goal="Mål",
            start_date=TODAY(),
            case_worker=coach,
            next_follow_up=TODAY() - dt.timedelta(days=1),
        )
    assert "next_follow_up" in err.value.message_dict
    assert not ActionPlan.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"actual_start": -5, "actual_end": -10, "end_reason": "completed"}, "actual_end"),
        ({"planned_start": 10, "planned_end": 5}, "planned_end"),
        ({"follow_up_on": -1}, "follow_up_on"),
        ({"actual_start": 3}, "actual_start"),
        ({"actual_start": -5, "actual_end": -1}, "end_reason"),
        ({"declined": True}, "declined_reason"),
    ],
)
def test_bad_intervention_dates_are_refused(municipality, coach, fields, field):
    plan = plan_make(youth_make(municipality=municipality, coach=coach), actor=coach)
    data = {
        k: (TODAY() + dt.timedelta(days=v) if isinstance(v, int) and k != "declined" else v)
        for k, v in fields.items()
    }
    with pytest.raises(ValidationError) as err:
        services.intervention_save(plan=plan, actor=coach, type=_type(municipality), **data)
    assert field in err.value.message_dict
    assert not Intervention.objects.exists()


def test_every_change_is_a_revision_that_can_be_compared(municipality, coach, colleague):
    plan = plan_make(youth_make(municipality=municipality, coach=coach), actor=coach)
    praktik = _type(municipality, 8)
    intervention = services.intervention_save(
        plan=plan, actor=coach, type=praktik, purpose="Prova yrket", actual_start=TODAY()
    )
    services.plan_update(
        plan=plan,
        actor=colleague,
        goal="Nytt mål: arbete",
        start_date=plan.start_date,
        next_follow_up=plan.next_follow_up,
        case_worker=coach,
    )
    fields = services._intervention_fields(
        intervention, actual_end=TODAY(), end_reason="work", result="Fick anställning"
    )
    services.intervention_save(plan=plan, actor=coach, intervention=intervention, **fields)
    revisions = list(plan.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3, 4]
    assert revisions[2].by == colleague
    assert "övergripande mål och planering" in revisions[2].summary
    compare = revision_compare(revisions[1], revisions[2])
    goal = next(r for r in compare["plan_rows"] if r["changed"])
    assert goal["old"] == "Börja studera på komvux till hösten."
    assert goal["new"] == "Nytt mål: arbete"
    compare = revision_compare(revisions[2], revisions[3])
    block = compare["interventions"][0]
    changed = {r["label"]: (r["old"], r["new"]) for r in block["rows"] if r["changed"]}
    assert changed["faktiskt slut"] == ("", TODAY().isoformat())
    assert changed["skäl till avslut"] == ("", "Fick arbete")
    # Nothing changed: no new revision.
    services.plan_update(plan=plan, actor=coach, goal="Nytt mål: arbete")
    assert plan.revisions.count() == 4


def test_follow_up_tasks_follow_the_plan(municipality, coach):
    plan = plan_make(
        youth_make(municipality=municipality, coach=coach), actor=coach, interventions=2
    )
    tasks = Task.objects.filter(youth=plan.youth, status="open")
    kinds = sorted(tasks.values_list("kind", flat=True))
    assert kinds == ["intervention_follow_up", "intervention_follow_up", "plan_follow_up"]
    plan_task = tasks.get(kind="plan_follow_up")
    assert plan_task.due_date == plan.next_follow_up
    assert plan_task.link.endswith(f"/plan/{plan.pk}/uppfoljning/")
    # Moving the date moves the task, once.
    later = plan.next_follow_up + dt.timedelta(days=7)
    services.plan_update(plan=plan, actor=coach, next_follow_up=later)
    assert list(
        Task.objects.filter(ref=f"plan:{plan.pk}", status="open").values_list(
            "due_date", flat=True
        )
    ) == [later]
    # The daily job repairs without duplicating.
    follow_up_tasks_refresh()
    follow_up_tasks_refresh()
    assert Task.objects.filter(youth=plan.youth, status="open").count() == 3
    # Recording the follow-up completes the task and schedules the next month.
    services.follow_up_record(
        plan=plan,
        actor=coach,
        held_on=TODAY(),
        note="Går bra",
        next_follow_up=services.next_month(TODAY()),
    )
    done = Task.objects.get(
        pk=Task.objects.filter(ref=f"plan:{plan.pk}").order_by("created_at").first().pk
    )
    assert done.status in ("done", "cancelled")
    assert Task.objects.get(ref=f"plan:{plan.pk}", status="open").due_date == services.next_month(
        TODAY()
    )


def test_monthly_follow_up_lands_on_a_business_day():
    assert services.next_month(dt.date(2026, 10, 20)) == dt.date(2026, 11, 20)  # Friday
    # Christmas Eve, Christmas, Boxing Day and a Sunday are skipped.
    assert services.next_month(dt.date(2026, 11, 24)) == dt.date(2026, 12, 28)
    assert services.next_month(dt.date(2026, 5, 6)) == dt.date(2026, 6, 8)  # 6 June holiday
    assert services.next_month(dt.date(2027, 1, 31)) == dt.date(2027, 3, 1)  # 28 Feb Sunday


def test_period_end_closes_open_plans_and_interventions(municipality, coach):
    youth = youth_make(municipality=municipality, coach=coach)
    plan = plan_make(youth, actor=coach, interventions=1)
    versions = (plan.version, plan.interventions.get().version)
    period = KaaPeriod.objects.get(youth=youth, end_date__isnull=True)
    period_close(
        period=period,
        end_date=TODAY(),
        actor=None,
        reason=reason("PABORJAT_NATIONELLT_EL_MOTSV", "deregistration"),
    )
    plan.refresh_from_db()
    assert plan.status == "closed"
    assert plan.closed_on == TODAY()
    assert "Påbörjat nationellt program" in plan.close_reason
    intervention = plan.interventions.get()
    assert (intervention.actual_end, intervention.end_reason) == (TODAY(), "kaa_ended")
    # A form opened on the plan or the intervention before it closed is stale now.
    assert (plan.version, intervention.version) == (versions[0] + 1, versions[1] + 1)
    assert not Task.objects.filter(
        youth=youth, status="open", kind__in=["plan_follow_up", "intervention_follow_up"]
    )
    youth.refresh_from_db()
    assert not youth.in_measure


ANSWERS = {"q_helped": 5, "q_respected": 4, "q_involved": 4, "q_next_step_clear": 3}


def test_closing_conversation_keeps_answers_and_sets_destination(municipality, coach):
    youth = youth_make(municipality=municipality, coach=coach)
    plan = plan_make(youth, actor=coach, interventions=1)
    running = plan.interventions.get()
    planned = services.intervention_save(
        plan=plan,
        actor=coach,
        type=InterventionType.objects.filter(municipality=municipality)[1],
        planned_start=TODAY() + dt.timedelta(days=10),
    )
    komvux = occupation_type("KOMVUX")
    closing = services.closing_record(
        plan=plan,
        actor=coach,
        held_on=TODAY(),
        destination=komvux,
        end_reasons={running.pk: "studies", planned.pk: "not_suitable"},
        would_recommend=False,
        **ANSWERS,
    )
    plan.refresh_from_db()
    assert plan.status == "closed"
    assert (closing.q_helped, closing.would_recommend) == (5, False)
    running.refresh_from_db()
    # The reason chosen, not "Annat skäl"; the running one ends the day of the conversation.
    assert (running.went_on_to, running.actual_end, running.end_reason) == (
        komvux,
        TODAY(),
        "studies",
    )
    # The planned one ends too: its reason, no made-up dates (SCB would refuse an end
    # without a start).
    planned.refresh_from_db()
    assert (planned.end_reason, planned.actual_start, planned.actual_end) == (
        "not_suitable",
        None,
        None,
    )
    current = Occupation.objects.get(youth=youth, end_date__isnull=True)
    assert (current.type, current.source, current.get_source_display()) == (
        komvux,
        "closing",
        "Avslut",
    )
    with pytest.raises(ValidationError):
        services.plan_update(plan=plan, actor=coach, goal="ändrat")


def test_closing_refuses_while_an_intervention_has_no_reason(municipality, coach):
    """An intervention added after the form was opened is never ended with a made-up reason."""
    youth = youth_make(municipality=municipality, coach=coach)
    plan = plan_make(youth, actor=coach, interventions=2)
    first, second = plan.interventions.all()
    with pytest.raises(ValidationError) as err:
        services.closing_record(
            plan=plan,
            actor=coach,
            held_on=TODAY(),
            destination=occupation_type("KOMVUX"),
            end_reasons={first.pk: "completed"},
            would_recommend=True,
            **ANSWERS,
        )
    assert err.value.code == "interventions_changed"
    assert ActionPlan.objects.get(pk=plan.pk).status == "active"
    assert not Intervention.objects.filter(pk__in=[first.pk, second.pk], end_reason__gt="")


def test_latest_conversation_feeds_occupation_and_reason(municipality, coach):
    youth = youth_make(municipality=municipality, coach=coach)
    period = KaaPeriod.objects.get(youth=youth)
    KaaPeriod.objects.filter(pk=period.pk).update(registration_reason=reason("OVRIGT"))
    fields = {
        "held_on": TODAY(),
        "conducted_by": coach,
        "school_status": "studiebevis",
        "occupation_type": occupation_type("ARBETSSOKANDE"),
    }
    conversation_record(youth=youth, actor=coach, **fields)
    assert Occupation.objects.get(youth=youth, end_date__isnull=True).type.code == "ARBETSSOKANDE"
    period.refresh_from_db()
    assert period.registration_reason.code == "STUDIEBEVIS"
    # An older conversation entered afterwards does not overwrite the present.
    conversation_record(
        youth=youth,
        actor=coach,
        **{
            **fields,
            "held_on": TODAY() - dt.timedelta(days=20),
            "occupation_type": occupation_type("SAKNAR"),
        },
    )
    assert Occupation.objects.get(youth=youth, end_date__isnull=True).type.code == "ARBETSSOKANDE"
    assert MappingConversation.objects.filter(youth=youth).count() == 2


def test_a_set_registration_reason_is_not_overwritten(municipality, coach):
    youth = youth_make(municipality=municipality, coach=coach)  # AVBROTT_NATIONELLT
    conversation_record(
        youth=youth,
        actor=coach,
        held_on=TODAY(),
        conducted_by=coach,
        school_status="never_started",
        occupation_type=occupation_type("SAKNAR"),
    )
    assert KaaPeriod.objects.get(youth=youth).registration_reason.code == "AVBROTT_NATIONELLT"


def test_preventive_case_outside_kaa(municipality, coach):
    from demo.youths import personnummer_for

    today = TODAY()
    number = personnummer_for(today.replace(year=today.year - 17), 4242)
    youth = preventive_case_open(
        municipality=municipality,
        actor=coach,
        personnummer=number,
        first_name="Elev",
        last_name="Risksson",
        school="Lindboskolan",
        reported_on=today,
    )
    assert youth.coach == coach
    assert not youth.periods.exists()
    consent_make(youth, actor=coach, school=True)
    with pytest.raises(ValidationError) as err:
        plan_make(youth, actor=coach)
    assert err.value.code == "no_period"
    plan = plan_make(youth, actor=coach, kind="preventive", school="Lindboskolan")
    assert plan.kind == "preventive"
    assert plan.period is None
    services.plan_close(plan=plan, actor=coach, on=today, reason="Eleven går kvar")
    plan.consent.refresh_from_db()
    assert plan.consent.ended_on == today
    # A student already in KAA is not a preventive case.
    in_kaa = youth_make(municipality=municipality)
    with pytest.raises(ValidationError):
        preventive_case_open(
            municipality=municipality,
            actor=coach,
            personnummer=in_kaa.personnummer,
            first_name="A",
            last_name="B",
            school="S",
            reported_on=today,
        )
    assert Youth.objects.filter(personnummer=number).count() == 1


def test_an_intervention_follow_up_keeps_a_colleagues_edit_made_meanwhile(municipality, coach):
    youth = youth_make(municipality=municipality, coach=coach)
    plan = plan_make(youth, actor=coach, interventions=1)
    opened = plan.interventions.get()  # the follow-up form, as it was opened
    fields = services._intervention_fields(opened, purpose="Praktik på Arbetsmarknadsenheten")
    services.intervention_save(
        plan=plan, actor=coach, intervention=opened, version=opened.version, **fields
    )
    next_date = services.next_month(TODAY())
    services.follow_up_record(
        plan=plan,
        actor=coach,
        held_on=TODAY(),
        note="Går bra",
        intervention=opened,
        intervention_next=next_date,
    )
    saved = Intervention.objects.get(pk=opened.pk)
    assert saved.purpose == "Praktik på Arbetsmarknadsenheten"
    assert saved.follow_up_on == next_date
    assert saved.version == opened.version + 2
