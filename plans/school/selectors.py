"""Reads of school notifications: the coordinators' inbox, one notice, and the register's
record of the student a notice names."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from plans.school.models import SchoolNotification
from youth import personnummer as pnr
from youth.models import Youth


def youth_matching(notice: SchoolNotification) -> Youth | None:
    """The municipality's record of the student, if any (by personnummer)."""
    try:
        number = pnr.parse(notice.personnummer).number
    except pnr.PersonnummerError:
        return None
    return (
        Youth.objects.filter(municipality_id=notice.municipality_id, personnummer=number)
        .select_related("coach")
        .first()
    )


def inbox_notices(*, municipality_id: int, status: str) -> QuerySet[SchoolNotification]:
    """The municipality's notices with this status, latest first; `student_protected` tells
    whether the student named has (or has a guardian with) protected identity."""
    # A row names no student, but its school is where a protected student can be found.
    protected = Youth.objects.filter(
        Q(protected_identity=True) | Q(guardians__protected_identity=True),
        municipality_id=OuterRef("municipality_id"),
        personnummer=OuterRef("personnummer"),
    )
    return (
        SchoolNotification.objects.filter(municipality_id=municipality_id, status=status)
        .select_related("handled_by")
        .annotate(student_protected=Exists(protected))
    )


def notices_for_detail() -> QuerySet[SchoolNotification]:
    """Notices with who handled, reported and was matched (narrowed to one by the view's
    access check)."""
    return SchoolNotification.objects.select_related("handled_by", "youth", "reported_by")
