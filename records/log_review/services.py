"""The log review (loggkontroll): flagged reads, unusual access and sample reviews.

"Outside the caseload" needs to know whose caseload a youth is in (youth.Youth); the log itself
(kaa.AuditEvent) knows only which youth was read, by whom.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kaa.access import is_second_person
from kaa.audit import audit_event
from kaa.lib.days import day_after, day_start
from kaa.models import AuditEvent, User
from records.log_review.models import AuditSample, AuditSampleFinding
from youth.models import Youth

# A staff member who read at least this many youths outside their own caseload in the period
# is listed for review (coordinators read widely by role: their figures are shown apart).
OUTSIDE_CASELOAD_THRESHOLD = 20
SAMPLE_SIZE = 20
OWN_READS = _("Stickprovet innehåller dina egna läsningar. En annan samordnare får granska det.")


def _events(municipality_id: int | None, start: dt.date, end: dt.date) -> QuerySet[AuditEvent]:
    if municipality_id is None:  # never "events of no municipality"
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        municipality_id=municipality_id, at__gte=day_start(start), at__lt=day_after(end)
    )


def flagged(municipality_id: int, start: dt.date, end: dt.date) -> QuerySet[AuditEvent]:
    """Reads of youths with protected identity (with their reasons), lockouts, denials."""
    return (
        _events(municipality_id, start, end)
        .filter(flagged=True)
        .select_related("user")
        .order_by("-at", "-id")
    )


def outside_caseload(
    municipality_id: int, start: dt.date, end: dt.date, threshold: int = OUTSIDE_CASELOAD_THRESHOLD
) -> list[dict[str, Any]]:
    """Staff who opened many youths that are not in their own caseload, most first."""
    coach_of = Subquery(Youth.objects.filter(pk=OuterRef("youth_id")).values("coach_id")[:1])
    rows = (
        _events(municipality_id, start, end)
        .filter(action=AuditEvent.Action.READ, youth_id__isnull=False, user__isnull=False)
        # A youth without a coach is outside everyone's caseload (NULL never equals).
        .annotate(youth_coach=coach_of)
        .filter(Q(youth_coach__isnull=True) | ~Q(youth_coach=F("user_id")))
        .values("user_id", "username", "role")
        .annotate(youths=Count("youth_id", distinct=True), reads=Count("id"))
        .filter(youths__gte=threshold)
        .order_by("-youths")
    )
    return list(rows)


def exports(municipality_id: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Who exported or printed personal data, how often (bulk exports are reviewed)."""
    return list(
        _events(municipality_id, start, end)
        .filter(action__in=[AuditEvent.Action.EXPORT, AuditEvent.Action.PRINT])
        .values("username", "role", "detail")
        .annotate(n=Count("id"))
        .order_by("-n")
    )


@transaction.atomic
def sample_draw(
    *, user: User, start: dt.date, end: dt.date, size: int = SAMPLE_SIZE
) -> AuditSample:
    """Random reads of youths in the period, kept so that the review can be completed later.
    Never the drawer's own reads: nobody reviews themselves."""
    municipality_id = user.municipality_id
    if municipality_id is None:
        # Only an operator has no municipality, and an operator reviews no municipality's log.
        raise PermissionDenied
    ids = list(
        _events(municipality_id, start, end)
        .filter(action=AuditEvent.Action.READ, youth_id__isnull=False)
        .exclude(user_id=user.pk)
        .values_list("id", flat=True)
    )
    chosen = sorted(random.SystemRandom().sample(ids, min(size, len(ids))))
    return AuditSample.objects.create(
        municipality_id=municipality_id,
        period_start=start,
        period_end=end,
        event_ids=chosen,
        created_by=user,
    )


def may_review(sample: AuditSample, user: User) -> bool:
    """Nobody reviews a sample that holds their own reads."""
    readers = (
        AuditEvent.objects.filter(pk__in=sample.event_ids, user__isnull=False)
        .values_list("user_id", flat=True)
        .distinct()
    )
    return is_second_person(user, readers)


def sample_review(
    *, sample: AuditSample, user: User, findings: str, request: HttpRequest | None = None
) -> AuditSampleFinding:
    """Record one finding as its own, audited entry; earlier findings stay as they were. A
    reviewer whose own reads the sample holds is refused (PermissionDenied) and the refusal
    logged, flagged."""
    if not may_review(sample, user):
        audit_event(
            action=AuditEvent.Action.DENIED,
            request=request,
            user=user,
            obj=sample,
            detail="stickprov:egna läsningar",
            flagged=True,
        )
        raise PermissionDenied(OWN_READS)
    with transaction.atomic():
        finding = AuditSampleFinding.objects.create(
            sample=sample, text=findings.strip(), created_by=user
        )
        # The sample counts as reviewed from its first finding on.
        AuditSample.objects.filter(pk=sample.pk, reviewed_at__isnull=True).update(
            reviewed_at=finding.created_at, reviewed_by=user
        )
        audit_event(
            action=AuditEvent.Action.CREATE,
            request=request,
            user=user,
            obj=finding,
            detail="stickprov:iakttagelse",
        )
    return finding
