"""Network meetings: only youths whose consent covers every partner present are named."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from plans.meetings.selectors import meetings_of
from plans.meetings.services import meeting_proposals, meeting_record
from plans.models import MeetingYouth, Partner
from tests.factories import consent_make, youth_make
from youth.models import TimelineEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(municipality):
    return (
        Partner.objects.create(municipality=municipality, name="Arbetsförmedlingen", kind="af"),
        Partner.objects.create(municipality=municipality, name="Socialtjänsten", kind="social"),
    )


@pytest.fixture
def youths(municipality, coach):
    both = youth_make(municipality=municipality, coach=coach, last_name="Bådasson")
    consent_make(both, actor=coach, employment_service=True, social_services=True)
    only_af = youth_make(municipality=municipality, coach=coach, last_name="Afsson")
    consent_make(only_af, actor=coach, employment_service=True)
    revoked = youth_make(municipality=municipality, coach=coach, last_name="Ångrasson")
    from plans.consent.services import consent_revoke

    consent_revoke(
        consent=consent_make(
            revoked,
            actor=coach,
            employment_service=True,
            social_services=True,
            given_on=timezone.localdate() - dt.timedelta(days=2),
        ),
        actor=coach,
        on=timezone.localdate(),
    )
    none = youth_make(municipality=municipality, coach=coach, last_name="Utansson")
    occupied = youth_make(municipality=municipality, last_name="Jobbsson")
    from tests.factories import occupation_type
    from youth.register.services import occupation_record

    occupation_record(
        youth=occupied,
        type=occupation_type("ARBETE"),
        start_date=timezone.localdate(),
        source="contact",
        actor=None,
    )
    return {
        "both": both,
        "only_af": only_af,
        "revoked": revoked,
        "none": none,
        "occupied": occupied,
    }


def test_proposal_names_only_fully_covered_youths(municipality, partners, youths):
    proposal = meeting_proposals(
        municipality=municipality, partners=list(partners), on=timezone.localdate()
    )
    assert [y.last_name for y, _c in proposal.nameable] == ["Bådasson"]
    # Everyone else in KAA without occupation is a count (all are not reached here).
    assert proposal.not_reached_count == 3
    assert proposal.without_occupation_count == 0
    af_only = meeting_proposals(
        municipality=municipality, partners=[partners[0]], on=timezone.localdate()
    )
    assert sorted(y.last_name for y, _c in af_only.nameable) == ["Afsson", "Bådasson"]


def test_meeting_refuses_a_youth_not_covered(municipality, coordinator, partners, youths):
    with pytest.raises(ValidationError) as err:
        meeting_record(
            municipality=municipality,
            actor=coordinator,
            held_on=timezone.localdate(),
            partners=list(partners),
            youth_ids=[youths["both"].pk, youths["only_af"].pk],
        )
    assert "1 av de valda" in str(err.value)
    assert not MeetingYouth.objects.exists()


def test_meeting_records_named_and_counted(municipality, coordinator, partners, youths):
    meeting = meeting_record(
        municipality=municipality,
        actor=coordinator,
        held_on=timezone.localdate(),
        partners=list(partners),
        youth_ids=[youths["both"].pk],
        agenda="Sommarjobb",
    )
    assert list(meeting.discussed.values_list("youth__last_name", flat=True)) == ["Bådasson"]
    assert (meeting.not_reached_count, meeting.without_occupation_count) == (3, 0)
    assert TimelineEntry.objects.filter(youth=youths["both"], kind="meeting").exists()
    assert not TimelineEntry.objects.filter(youth=youths["only_af"], kind="meeting").exists()


def test_partners_of_another_municipality_are_refused(
    municipality, other_municipality, coordinator, youths
):
    foreign = Partner.objects.create(municipality=other_municipality, name="AF", kind="af")
    with pytest.raises(ValidationError):
        meeting_record(
            municipality=municipality,
            actor=coordinator,
            held_on=timezone.localdate(),
            partners=[foreign],
            youth_ids=[],
        )


def test_the_meeting_list_shows_the_latest_first(municipality, coordinator, partners, client_for):
    today = timezone.localdate()
    for days_ago, agenda in ((30, "Äldst"), (0, "Senast"), (10, "Mitten")):
        meeting_record(
            municipality=municipality,
            actor=coordinator,
            held_on=today - dt.timedelta(days=days_ago),
            partners=list(partners),
            youth_ids=[],
            agenda=agenda,
        )
    assert [m.agenda for m in meetings_of(municipality_id=municipality.pk)] == [
        "Senast",
        "Mitten",
        "Äldst",
    ]
    body = client_for(coordinator).get(reverse("plans:meeting_list")).content.decode()
    dates = re.findall(r"\d{4}-\d{2}-\d{2}", body)
    shown = [d for d in dates if d in {str(today - dt.timedelta(days=n)) for n in (0, 10, 30)}]
    assert len(set(shown)) == 3
    assert shown == sorted(shown, reverse=True)
