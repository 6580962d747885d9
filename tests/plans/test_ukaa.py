"""Extended responsibility after 20 (UKAA): proposed by the 20th-birthday job only for youths in
a running studies or praktik intervention, decided by a coordinator with no default, a UKAA
period from the day after the KAA period up to the day before the 25th birthday, the plan
carried over only on a new consent, the end at 25, and who may see the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from plans.actionplans.services import intervention_save
from plans.consent.validity import consent_current
from plans.models import ActionPlan, Intervention, InterventionType, UkaaOffer
from plans.ukaa.services import offer_decide
from tests.factories import consent_make, plan_make, youth_make
from youth.models import KaaPeriod, TimelineEntry
from youth.register.services import turning_20_deregister, ukaa_periods_end_at_25

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _birth_20_years_before(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 20)


def _type(municipality, code, name):
    return InterventionType.objects.get_or_create(
        municipality=municipality, name=name, defaults={"measure_code": code}
    )[0]


def _turning_20(municipality, coach, time_machine, *, code="STUDIER", name="Studier på komvux"):
    """A youth whose 20th birthday was ten days ago, in a plan since two months before it with
    one running intervention of `code` (none when `code` is None)."""
    today = TODAY()
    birthday = today - dt.timedelta(days=10)
    time_machine.move_to(dt.datetime.combine(birthday - dt.timedelta(days=60), dt.time(10)))
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        birth_date=_birth_20_years_before(birthday),
        first_name="Ukaa",
    )
    if code is not None:
        plan = plan_make(youth, actor=coach)
        intervention_save(
            plan=plan,
            actor=coach,
            type=_type(municipality, code, name),
            purpose="Läsa in gymnasiet",
            actual_start=TODAY(),
        )
    time_machine.move_to(dt.datetime.combine(today, dt.time(10)))
    return youth


class TestProposal:
    def test_only_youths_in_running_studies_or_praktik_are_proposed(
        self, municipality, coach, time_machine
    ):
        studies = _turning_20(municipality, coach, time_machine)
        praktik = _turning_20(municipality, coach, time_machine, code="PRAKTIK", name="Praktik")
        talk = _turning_20(
            municipality, coach, time_machine, code="MOTIVATION", name="Motivationssamtal"
        )
        no_plan = _turning_20(municipality, coach, time_machine, code=None)
        assert turning_20_deregister(today=TODAY()) == 4
        offers = {o.youth_id: o for o in UkaaOffer.objects.all()}
        assert set(offers) == {studies.pk, praktik.pk}
        offer = offers[studies.pk]
        assert offer.status == UkaaOffer.Status.PROPOSED
        assert offer.activity == "Studier på komvux"
        assert offer.kaa_period.end_date == TODAY() - dt.timedelta(days=11)
        # The KAA period still ends at 20 and its plan closes with it, as without UKAA.
        for youth in (studies, praktik, talk, no_plan):
            period = KaaPeriod.objects.get(youth=youth)
            assert period.kind == KaaPeriod.Kind.KAA
            assert period.deregistration_reason.code == "FYLLT_20"
        plan = ActionPlan.objects.get(youth=studies)
        assert plan.status == ActionPlan.Status.CLOSED
        assert plan.interventions.get().end_reason == Intervention.EndReason.KAA_ENDED
        assert TimelineEntry.objects.filter(
            youth=studies, kind="ukaa", summary__contains="föreslås"
        ).exists()
        assert not TimelineEntry.objects.filter(youth=talk, kind="ukaa").exists()
        # The job again: nothing new.
        assert turning_20_deregister(today=TODAY()) == 0
        assert UkaaOffer.objects.count() == 2

    def test_an_intervention_ended_before_20_is_no_ongoing_activity(
        self, municipality, coach, time_machine
    ):
        youth = _turning_20(municipality, coach, time_machine)
        Intervention.objects.filter(plan__youth=youth).update(
            actual_end=TODAY() - dt.timedelta(days=30), end_reason="completed"
        )
        turning_20_deregister(today=TODAY())
        assert not UkaaOffer.objects.exists()


@pytest.fixture
def offer(municipality, coach, time_machine):
    _turning_20(municipality, coach, time_machine)
    turning_20_deregister(today=TODAY())
    return UkaaOffer.objects.get()


class TestDecision:
    def test_the_form_chooses_nothing_and_asks_in_swedish(self, offer, client_for, coordinator):
        client = client_for(coordinator)
        url = reverse("plans:ukaa_decide", args=[offer.pk])
        page = client.get(url).content.decode()
        assert 'type="radio"' in page
        assert "checked" not in page
        assert '<label for="id_note"' in page or 'for="id_note"' in page
        response = client.post(url, {"note": "Min anteckning"})
        assert response.status_code == 400
        body = response.content.decode()
        assert "Välj ja eller nej." in body
        assert "Min anteckning" in body
        assert UkaaOffer.objects.get(pk=offer.pk).status == UkaaOffer.Status.PROPOSED
        response = client.post(url, {"decision": "no", "note": " "})
        assert response.status_code == 400
        assert "Skriv varför utökat aktivitetsansvar inte erbjuds." in response.content.decode()
        assert not KaaPeriod.objects.filter(kind=KaaPeriod.Kind.UKAA).exists()

    def test_no_with_a_reason_opens_nothing(self, offer, client_for, coordinator):
        client = client_for(coordinator)
        url = reverse("plans:ukaa_decide", args=[offer.pk])
        response = client.post(url, {"decision": "no", "note": "Har fått arbete"})
        assert response.status_code == 302
        offer.refresh_from_db()
        assert (offer.status, offer.note, offer.decided_by) == (
            UkaaOffer.Status.NOT_OFFERED,
            "Har fått arbete",
            coordinator,
        )
        assert not KaaPeriod.objects.filter(kind=KaaPeriod.Kind.UKAA).exists()
        assert AuditEvent.objects.filter(
            object_type="plans.ukaaoffer", object_id=str(offer.pk), action="update"
        ).exists()

    def test_yes_opens_a_ukaa_period_after_the_kaa_period(self, offer, client_for, coordinator):
        client = client_for(coordinator)
        response = client.post(reverse("plans:ukaa_decide", args=[offer.pk]), {"decision": "yes"})
        assert response.status_code == 302
        offer.refresh_from_db()
        period = offer.ukaa_period
        assert offer.status == UkaaOffer.Status.OFFERED
        assert period.kind == KaaPeriod.Kind.UKAA
        assert period.end_date is None
        assert period.start_date == offer.kaa_period.end_date + dt.timedelta(days=1)
        assert period.registration_reason.code == "UKAA"
        assert offer.youth.ukaa_last_day == offer.youth.birth_date.replace(
            year=offer.youth.birth_date.year + 25
        ) - dt.timedelta(days=1)
        # A second decision is refused.
        response = client.post(reverse("plans:ukaa_decide", args=[offer.pk]), {"decision": "no"})
        assert response.status_code == 400
        assert KaaPeriod.objects.filter(kind=KaaPeriod.Kind.UKAA).count() == 1


class TestCarryOver:
    def test_the_plan_waits_for_a_new_consent_then_continues(self, offer, coordinator, coach):
        offer = offer_decide(offer=offer, actor=coordinator, offer_ukaa=True, note="")
        youth = offer.youth
        # The consent of the KAA period ended with it: nothing carries over yet.
        assert consent_current(youth) is None
        assert offer.awaits_consent
        assert not ActionPlan.objects.filter(youth=youth, status="active").exists()
        consent = consent_make(youth, actor=coach)
        assert consent.period_id == offer.ukaa_period_id
        offer.refresh_from_db()
        plan = offer.continued_plan
        assert offer.carried_over_at is not None
        assert not offer.awaits_consent
        assert plan.status == ActionPlan.Status.ACTIVE
        assert plan.period_id == offer.ukaa_period_id
        assert plan.consent_id == consent.pk
        assert plan.goal == offer.plan.goal
        carried = plan.interventions.get()
        assert carried.type.name == "Studier på komvux"
        assert carried.actual_start == offer.ukaa_period.start_date
        assert carried.actual_end is None
        # A second consent in the period carries nothing over again.
        consent_make(youth, actor=coach)
        assert ActionPlan.objects.filter(youth=youth, status="active").count() == 1

    def test_the_period_ends_the_day_before_the_25th_birthday(
        self, offer, coordinator, coach, time_machine
    ):
        offer = offer_decide(offer=offer, actor=coordinator, offer_ukaa=True, note="")
        consent_make(offer.youth, actor=coach)
        last_day = offer.youth.ukaa_last_day
        assert ukaa_periods_end_at_25(today=last_day) == 0
        # The KAA job never touches a UKAA period.
        assert turning_20_deregister(today=last_day + dt.timedelta(days=1)) == 0
        time_machine.move_to(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(9)))
        assert ukaa_periods_end_at_25(today=last_day + dt.timedelta(days=1)) == 1
        assert ukaa_periods_end_at_25(today=last_day + dt.timedelta(days=1)) == 0
        period = KaaPeriod.objects.get(pk=offer.ukaa_period_id)
        assert period.end_date == last_day
        assert period.deregistration_reason.code == "FYLLT_25"
        offer.refresh_from_db()
        assert offer.continued_plan.status == ActionPlan.Status.CLOSED


class TestAccess:
    @pytest.mark.parametrize("persona", ["coach", "manager", "admin_user"])
    def test_only_coordinators_see_the_pages(self, offer, client_for, persona, request):
        client = client_for(request.getfixturevalue(persona))
        assert client.get(reverse("plans:ukaa_list")).status_code == 403
        decide = reverse("plans:ukaa_decide", args=[offer.pk])
        assert client.get(decide).status_code == 403
        assert client.post(decide, {"decision": "yes"}).status_code == 403
        assert UkaaOffer.objects.get(pk=offer.pk).status == UkaaOffer.Status.PROPOSED

    def test_another_municipality_gets_404_and_it_is_logged(
        self, offer, client_for, stranger_coordinator
    ):
        client = client_for(stranger_coordinator)
        decide = reverse("plans:ukaa_decide", args=[offer.pk])
        assert client.post(decide, {"decision": "yes"}).status_code == 404
        assert AuditEvent.objects.filter(
            action="denied", object_type="plans.ukaaoffer", object_id=str(offer.pk)
        ).exists()
        page = client.get(reverse("plans:ukaa_list")).content.decode()
        assert "Ukaa" not in page
        assert UkaaOffer.objects.get(pk=offer.pk).status == UkaaOffer.Status.PROPOSED

    def test_the_coordinators_list_names_the_youth_and_is_audited(
        self, offer, client_for, coordinator
    ):
        page = client_for(coordinator).get(reverse("plans:ukaa_list")).content.decode()
        assert offer.youth.full_name in page
        assert "Studier på komvux" in page
        event = AuditEvent.objects.get(action="read", detail="ukaa", youth_id__isnull=True)
        assert event.youth_ids == [offer.youth_id]


class TestByHand:
    def test_a_ukaa_period_closes_by_hand_but_not_past_the_day_before_25(
        self, offer, coordinator, coach
    ):
        from django.core.exceptions import ValidationError

        from tests.factories import reason
        from youth.register.services import period_close

        offer = offer_decide(offer=offer, actor=coordinator, offer_ukaa=True, note="")
        consent_make(offer.youth, actor=coach)
        period = KaaPeriod.objects.get(pk=offer.ukaa_period_id)
        with pytest.raises(ValidationError) as refused:
            period_close(
                period=period,
                end_date=offer.youth.ukaa_last_day + dt.timedelta(days=1),
                reason=reason("OVRIGT", "deregistration"),
                actor=coordinator,
            )
        assert "dagen före 25-årsdagen" in str(refused.value)
        period_close(
            period=period,
            end_date=TODAY(),
            reason=reason("OVRIGT", "deregistration"),
            actor=coordinator,
        )
        period.refresh_from_db()
        assert period.end_date == TODAY()
        offer.refresh_from_db()
        assert offer.continued_plan.status == ActionPlan.Status.CLOSED
        assert TimelineEntry.objects.filter(
            youth=offer.youth, kind="period_closed", summary__startswith="Utökat aktivitetsansvar"
        ).exists()


def test_the_start_page_counts_proposals_for_coordinators_only(offer, client_for, request):
    url = reverse("plans:ukaa_todo_counts")
    page = client_for(request.getfixturevalue("coordinator")).get(url).content.decode()
    assert '<span class="todo-count">1</span>' in page
    assert "förslag om utökat aktivitetsansvar" in page
    assert reverse("plans:ukaa_list") in page
    coach_page = client_for(request.getfixturevalue("coach")).get(url).content.decode()
    assert "utökat" not in coach_page
