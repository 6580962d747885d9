"""Gallring of the archived SCB files, under the municipality's rule for export files: the
files lose their content (personnummer); the row with its counts and checksum stays as the
record that the report was made. Registered with records.retention when the app is ready
(reporting.apps), since records does not import reporting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from records.files.services import delete_on_commit
from records.retention.models import RecordType
from records.retention.services import register
from reporting.scb.models import ScbFile
from youth.models import Youth


def files_due(municipality_id: int, cutoff: dt.date) -> Any:
    # A file lists youths still in KAA too (it is a copy of what SCB got); one with a youth
    # whose processing is restricted is kept whole.
    return (
        ScbFile.objects.filter(
            report__municipality_id=municipality_id, created_at__date__lt=cutoff
        )
        .exclude(content="")
        .exclude(
            entries__youth_id__in=Youth.objects.filter(
                municipality_id=municipality_id, restricted_at__isnull=False
            ).values("pk")
        )
    )


def files_empty(files: Any) -> int:
    ids = list(files.values_list("pk", flat=True))
    names = [
        n
        for pair in ScbFile.objects.filter(pk__in=ids).values_list("content", "readable")
        for n in pair
    ]
    delete_on_commit(names)
    # The entries (youth id and a fingerprint, no personal data) stay: the next file is still
    # compared with this one if it was the last submitted.
    return ScbFile.objects.filter(pk__in=ids).update(content="", readable="")


def retention_register() -> None:
    register(
        record_type=RecordType.EXPORTS,
        label="reporting.ScbFile",
        due=files_due,
        action=files_empty,
    )
