"""Network meetings (KAA-nätverket): which youths may be discussed by name in front of the
partners present, and the record of a meeting.

A youth is proposed when in KAA and not reached, or reached but without studies or work.
Only those whose valid consent covers every partner present may be named; the others are
counted, never listed, in the meeting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaa.audit import Action, audit_event
from kaa.models import Municipality, User
from plans.consent.models import Consent
from plans.consent.validity import covers_all
from plans.meetings.models import MeetingYouth, NetworkMeeting
from plans.meetings.selectors import meeting_candidates
from plans.partners.models import Partner
from youth.models import CaseStatus, Youth
from youth.register.services import timeline_add


@dataclass
class Proposal:
    nameable: list[tuple[Youth, Consent]] = field(default_factory=list)
    not_reached_count: int = 0
    without_occupation_count: int = 0


def meeting_proposals(
    *, municipality: Municipality, partners: list[Partner], on: dt.date
) -> Proposal:
    """Who may be named with these partners present, and how many others to count."""
    proposal = Proposal()
    for youth in meeting_candidates(municipality, on):
        # meeting_candidates prefetches them with Prefetch(to_attr=...), which the stubs
        # cannot follow.
        valid: list[Consent] = youth.valid_consents  # type: ignore[attr-defined]
        consent = valid[0] if valid else None
        if partners and consent is not None and covers_all(consent, partners):
            proposal.nameable.append((youth, consent))
        elif youth.status == CaseStatus.NOT_REACHED:
            proposal.not_reached_count += 1
        else:
            proposal.without_occupation_count += 1
    return proposal


@transaction.atomic
def meeting_record(
    *,
    municipality: Municipality,
    actor: User,
    held_on: dt.date,
    partners: list[Partner],
    youth_ids: list[int],
    agenda: str = "",
) -> NetworkMeeting:
    """Save the meeting. Every youth named must have a consent covering every partner
    present (checked again here, whatever the form sent)."""
    if not partners:
        raise ValidationError({"partners": _("Välj vilka samverkansparter som deltog.")})
    if any(p.municipality_id != municipality.pk for p in partners):
        raise ValidationError({"partners": _("Välj bland kommunens samverkansparter.")})
    proposal = meeting_proposals(municipality=municipality, partners=partners, on=held_on)
    allowed = {youth.pk: (youth, consent) for youth, consent in proposal.nameable}
    refused = [pk for pk in youth_ids if pk not in allowed]
    if refused:
        raise ValidationError(
            {
                "youths": _(
                    "%(n)s av de valda ungdomarna har inget samtycke som täcker alla "
                    "deltagande parter och får inte tas upp med namn."
                )
                % {"n": len(refused)}
            }
        )
    # Those who could have been named but were not are counted like the rest.
    unnamed = [youth for pk, (youth, _c) in allowed.items() if pk not in set(youth_ids)]
    not_reached = sum(1 for y in unnamed if y.status == CaseStatus.NOT_REACHED)
    meeting = NetworkMeeting.objects.create(
        municipality=municipality,
        held_on=held_on,
        agenda=agenda.strip(),
        not_reached_count=proposal.not_reached_count + not_reached,
        without_occupation_count=proposal.without_occupation_count + len(unnamed) - not_reached,
        created_by=actor,
        updated_by=actor,
    )
    meeting.partners.set(partners)
    MeetingYouth.objects.bulk_create(
        [
            MeetingYouth(meeting=meeting, youth=allowed[pk][0], consent=allowed[pk][1])
            for pk in dict.fromkeys(youth_ids)
        ]
    )
    audit_event(
        action=Action.CREATE, user=actor, obj=meeting, detail=f"youths:{len(set(youth_ids))}"
    )
    names = ", ".join(p.name for p in partners)
    for pk in dict.fromkeys(youth_ids):
        youth = allowed[pk][0]
        audit_event(
            action=Action.CREATE,
            user=actor,
            object_type="plans.meetingyouth",
            object_id=meeting.pk,
            youth_id=youth.pk,
            detail="shared_in_meeting",
        )
        timeline_add(
            youth=youth,
            kind="meeting",
            actor=actor,
            summary=_("Togs upp på nätverksmöte %(date)s med %(partners)s")
            % {"date": held_on.isoformat(), "partners": names},
        )
    return meeting
