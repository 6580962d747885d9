"""Reads of network meetings: the youths who may be proposed for one, the municipality's
meetings, the youths named in one, and the meetings a youth was named in."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet

from kaa.models import Municipality, User
from plans.consent.models import Consent
from plans.consent.validity import valid_consents_q
from plans.meetings.models import MeetingYouth, NetworkMeeting
from youth.models import CaseStatus, KaaPeriod, Youth

WITHOUT_OCCUPATION = (CaseStatus.IN_CONTACT, CaseStatus.IN_MEASURE)


def meeting_candidates(municipality: Municipality, on: dt.date) -> QuerySet[Youth]:
    """Youths in KAA on `on` who are not reached, or reached but without studies or work,
    each with their consents valid on `on` (`valid_consents`, latest first)."""
    in_kaa = KaaPeriod.objects.filter(
        youth=OuterRef("pk"), start_date__lte=on, end_date__isnull=True
    )
    consents = (
        Consent.objects.filter(valid_consents_q(on))
        .select_related("other_partner")
        .order_by("-given_on", "-id")
    )
    return (
        Youth.objects.writable()
        .filter(
            Exists(in_kaa),
            municipality=municipality,
            status__in=(CaseStatus.NOT_REACHED, *WITHOUT_OCCUPATION),
        )
        .select_related("coach")
        .prefetch_related(Prefetch("consents", queryset=consents, to_attr="valid_consents"))
        .order_by("last_name", "first_name", "pk")
    )


def meetings_of(*, municipality_id: int) -> QuerySet[NetworkMeeting]:
    """The municipality's meetings, latest first, with their partners and how many youths
    were named (`named`)."""
    return (
        NetworkMeeting.objects.filter(municipality_id=municipality_id)
        .prefetch_related("partners")
        .annotate(named=Count("discussed"))
        .order_by("-held_on", "-id")
    )


def meetings_for_detail() -> QuerySet[NetworkMeeting]:
    """Meetings with their partners (narrowed to one by the view's access check)."""
    return NetworkMeeting.objects.prefetch_related("partners")


def meeting_discussed(*, user: User, meeting: NetworkMeeting) -> QuerySet[MeetingYouth]:
    """The youths named in the meeting that the user may see, with the consent that allowed
    it, by last name."""
    return (
        MeetingYouth.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("youth", "consent")
        .order_by("youth__last_name")
    )


def meetings_of_youth(*, youth: Youth) -> QuerySet[MeetingYouth]:
    """The meetings the youth was named in, latest first."""
    return (
        MeetingYouth.objects.filter(youth=youth)
        .select_related("meeting")
        .order_by("-meeting__held_on")
    )
