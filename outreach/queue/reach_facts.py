"""Facts about reaching youths, kept up to date as contacts are saved, so that statistics
read them instead of scanning every contact (bench/RESULTS.md):

* `KaaPeriod.first_reached_on`: the first day inside the period with a reached contact;
* `Youth.last_reached_on`: the last day the youth was reached (written only by
  youth.register.services.contact_reached_record, which also refreshes the youth's status);
* `ContactAttempt.led_to_contact`: the youth was reached at the attempt or within
  `LED_TO_CONTACT_DAYS` after it (any channel).

`ContactAttempt.save` calls `contact_facts_update` for every saved contact;
`reached_facts_rebuild` recomputes everything from the contacts (the data migration,
bulk-loaded demo and bench data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from outreach.queue.models import LED_TO_CONTACT_DAYS, ContactAttempt
from youth.models import KaaPeriod, Youth
from youth.register import services as youth_services

REACHED = ContactAttempt.Outcome.REACHED
FAR_FUTURE = dt.date(9999, 12, 31)


def contact_facts_update(attempt: ContactAttempt, *, created: bool) -> None:
    """A saved contact updates the facts for its youth (a few indexed updates); a reached one
    all three, through the youth register for the youth's own "last reached"."""
    if attempt.outcome != REACHED:
        if created and not attempt.led_to_contact and _reached_within(attempt):
            ContactAttempt.objects.filter(pk=attempt.pk).update(led_to_contact=True)
        return
    day = timezone.localtime(attempt.at).date()
    ContactAttempt.objects.filter(
        youth_id=attempt.youth_id,
        at__lte=attempt.at,
        at__gt=attempt.at - dt.timedelta(days=LED_TO_CONTACT_DAYS),
        led_to_contact=False,
    ).update(led_to_contact=True)
    (
        KaaPeriod.objects.filter(youth_id=attempt.youth_id, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .filter(Q(first_reached_on__isnull=True) | Q(first_reached_on__gt=day))
        .update(first_reached_on=day)
    )
    youth_services.contact_reached_record(youth=attempt.youth, on=day)


def _reached_within(attempt: ContactAttempt) -> bool:
    """A (back-dated) attempt logged after the contact it led to."""
    return ContactAttempt.objects.filter(
        youth_id=attempt.youth_id,
        outcome=REACHED,
        at__gte=attempt.at,
        at__lt=attempt.at + dt.timedelta(days=LED_TO_CONTACT_DAYS),
    ).exists()


def reached_facts_rebuild(youth_ids: Iterable[int] | None = None) -> None:
    """Recompute the facts from the contacts (all youths, or the given ones)."""
    youths = (
        Youth.objects.all() if youth_ids is None else Youth.objects.filter(pk__in=list(youth_ids))
    )
    ids = youths.values("pk")
    day = TruncDate("at")
    first = (
        ContactAttempt.objects.filter(youth_id=OuterRef("youth_id"), outcome=REACHED)
        .annotate(day=day)
        .filter(
            day__gte=OuterRef("start_date"), day__lte=Coalesce(OuterRef("end_date"), FAR_FUTURE)
        )
        .values("youth_id")
        .annotate(first=Min("day"))
        .values("first")[:1]
    )
    KaaPeriod.objects.filter(youth_id__in=ids).update(first_reached_on=Subquery(first))
    last = (
        ContactAttempt.objects.filter(youth_id=OuterRef("pk"), outcome=REACHED)
        .annotate(day=day)
        .values("youth_id")
        .annotate(last=Max("day"))
        .values("last")[:1]
    )
    youths.filter(
        Exists(ContactAttempt.objects.filter(youth_id=OuterRef("pk"), outcome=REACHED))
    ).update(last_reached_on=Subquery(last))
    led = Exists(
        ContactAttempt.objects.filter(
            youth_id=OuterRef("youth_id"),
            outcome=REACHED,
            at__gte=OuterRef("at"),
            at__lt=OuterRef("at") + dt.timedelta(days=LED_TO_CONTACT_DAYS),
        )
    )
    ContactAttempt.objects.filter(youth_id__in=ids).update(led_to_contact=led)
