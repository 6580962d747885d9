"""Keep the daily contact sums right when a contact or an occupation is saved for a day that
is already summed (a back-dated contact, a corrected occupation): re-sum those days after the
transaction commits, in the background."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kaa import outbox
from outreach.models import LED_TO_CONTACT_DAYS, ContactAttempt
from reporting.stats.models import RollupState
from youth.models import Occupation


def _resum(youth_id: int, start: dt.date, end: dt.date) -> None:
    """One query: is any of [start, end] already summed for the youth's municipality?"""
    state = (
        RollupState.objects.filter(municipality__youths__id=youth_id)
        .values_list("municipality_id", "built_through")
        .first()
    )
    if state is None or state[1] is None or start > state[1]:
        return
    municipality_id, last = state[0], min(end, state[1])
    outbox.enqueue(
        "reporting.stats.tasks.stats_rollup_days",
        municipality_id,
        start.isoformat(),
        last.isoformat(),
    )


def on_contact_saved(sender: Any, instance: ContactAttempt, **kwargs: Any) -> None:
    day = timezone.localtime(instance.at).date()
    back = LED_TO_CONTACT_DAYS if instance.outcome == ContactAttempt.Outcome.REACHED else 0
    _resum(instance.youth_id, day - dt.timedelta(days=back), day)


def on_occupation_saved(sender: Any, instance: Occupation, **kwargs: Any) -> None:
    _resum(instance.youth_id, instance.start_date, instance.end_date or dt.date.max)
