"""What the youth's page shows besides the header and the timeline."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from youth.notes.models import Note, NoteRevision
from youth.register.models import KaaPeriod, Occupation, Youth


def youth_page_data(*, youth: Youth) -> dict[str, Any]:
    """Periods, guardians, occupations and notes for the youth page, in fixed queries."""
    periods = list(
        KaaPeriod.objects.filter(youth=youth).select_related(
            "registration_reason", "deregistration_reason"
        )
    )
    occupations = list(Occupation.objects.filter(youth=youth).select_related("type")[:20])
    current = next((o for o in occupations if o.end_date is None and o.confirmed), None)
    notes = list(
        Note.objects.filter(youth=youth, corrects__isnull=True)
        .select_related("author")
        .prefetch_related(
            Prefetch("corrections", queryset=Note.objects.select_related("author")),
            Prefetch("revisions", queryset=NoteRevision.objects.order_by("replaced_at")),
        )[:50]
    )
    return {
        "periods": periods,
        "open_period": next((p for p in periods if p.end_date is None), None),
        "guardians": list(youth.guardians.all()),
        "occupations": occupations,
        "current_occupation": current,
        "notes": notes,
    }
