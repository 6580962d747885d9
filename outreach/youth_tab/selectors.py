"""Reads for the youth's outreach tab."""

from __future__ import annotations

from typing import Any

from outreach.eservice.models import AccessCode, EserviceSubmission
from outreach.messaging.models import OutgoingMessage
from outreach.queue.models import ContactAttempt, OutreachCase, Task
from youth.models import Youth


def youth_outreach(*, youth: Youth) -> dict[str, Any]:
    return {
        "open_tasks": list(
            Task.objects.filter(youth=youth, status=Task.Status.OPEN)
            .select_related("step")
            .order_by("due_date")
        ),
        "attempts": list(ContactAttempt.objects.filter(youth=youth).select_related("staff")[:30]),
        "case": OutreachCase.objects.filter(youth=youth, closed_on__isnull=True)
        .select_related("routine")
        .first(),
        "messages_out": list(OutgoingMessage.objects.filter(youth=youth)[:10]),
        "access_code": AccessCode.objects.filter(
            youth=youth, revoked_at__isnull=True, period__end_date__isnull=True
        ).first(),
        "submissions": list(EserviceSubmission.objects.filter(youth=youth)[:10]),
    }
