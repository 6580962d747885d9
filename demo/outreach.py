"""Demo contact history: tasks whose deadline passed more than a week ago were carried out
(with realistic outcomes), so the work queue shows this week's work, not two years of it."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from demo.factories.outreach import ContactAttemptFactory
from outreach.models import ONE_WAY_CHANNELS, ContactAttempt, Task

PHONE_OUTCOMES = ["no_answer", "message_left", "no_answer", "wrong_number"]


@transaction.atomic
def demo_history_ensure(*, seed: int = 7) -> int:
    """Complete old open tasks in bulk, logging one attempt each. Idempotent."""
    rng = random.Random(seed)  # nosec B311  # demo data, never a secret
    cutoff = timezone.localdate() - dt.timedelta(days=7)
    tasks = list(
        Task.objects.filter(
            status=Task.Status.OPEN, due_date__lt=cutoff, kind=Task.Kind.STEP
        ).select_related("youth")
    )
    attempts = []
    for task in tasks:
        at = timezone.make_aware(dt.datetime.combine(task.due_date, dt.time(10, 0)))
        outcome = "sent" if task.channel in ONE_WAY_CHANNELS else rng.choice(PHONE_OUTCOMES)
        attempts.append(
            ContactAttemptFactory.build(
                youth=task.youth,
                task=task,
                at=at,
                channel=task.channel or "phone",
                outcome=outcome,
                staff=task.youth.coach,
            )
        )
        task.status, task.done_at, task.done_by = Task.Status.DONE, at, task.youth.coach
    ContactAttempt.objects.bulk_create(attempts, batch_size=2000)
    Task.objects.bulk_update(tasks, ["status", "done_at", "done_by"], batch_size=2000)
    return len(tasks)
