"""Reads of the register. Each page's queryset is built here, with its joins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from kaa.models import User
from youth import personnummer as pnr
from youth.register.models import (
    CaseStatus,
    Guardian,
    KaaPeriod,
    Occupation,
    TimelineEntry,
    Youth,
    YouthQuerySet,
)

SORTS = {
    "namn": ("last_name", "first_name", "id"),
    "-namn": ("-last_name", "-first_name", "-id"),
    "alder": ("-birth_date", "id"),
    "-alder": ("birth_date", "id"),
    "status": ("status", "last_name", "id"),
    "coach": ("coach__last_name", "last_name", "id"),
}


OPEN_STATUSES = [
    CaseStatus.NOT_REACHED,
    CaseStatus.IN_CONTACT,
    CaseStatus.IN_MEASURE,
    CaseStatus.OCCUPIED,
]


def _age_min(qs: QuerySet[Youth], age: int, today: dt.date) -> QuerySet[Youth]:
    return qs.filter(birth_date__lte=pnr.years_before(today, age))


def _age_max(qs: QuerySet[Youth], age: int, today: dt.date) -> QuerySet[Youth]:
    return qs.filter(birth_date__gt=pnr.years_before(today, age + 1))


def _current_occupation(category: str) -> Exists:
    return Exists(
        Occupation.objects.filter(
            youth=OuterRef("pk"), end_date__isnull=True, confirmed=True, type__category=category
        )
    )


def _open_period() -> QuerySet[KaaPeriod]:
    return KaaPeriod.objects.filter(youth=OuterRef("pk"), end_date__isnull=True)


# One entry per filter field: how a cleaned value narrows the list.
# The list's rows carry annotations (in_kaa, occupation_label) that the type checker does not
# follow into these functions, so their queryset is typed loosely.
_FILTERS: dict[str, Callable[[Any, Any, dt.date], Any]] = {
    "in_kaa": lambda qs, v, _t: qs.filter(in_kaa=(v == "yes")),
    "status": lambda qs, v, _t: qs.filter(status__in=v),
    "reason": lambda qs, v, _t: qs.filter(Exists(_open_period().filter(registration_reason=v))),
    "coach": lambda qs, v, _t: qs.filter(coach=v),
    "unassigned": lambda qs, _v, _t: qs.filter(coach__isnull=True),
    "team": lambda qs, v, _t: qs.filter(team=v),
    "age_min": _age_min,
    "age_max": _age_max,
    "occupation": lambda qs, v, _t: qs.filter(_current_occupation(v)),
    "not_reached": lambda qs, _v, _t: qs.filter(last_reached_on__isnull=True, in_kaa=True),
    "protected": lambda qs, _v, _t: qs.filter(
        Q(protected_identity=True)
        | Exists(Guardian.objects.filter(youth=OuterRef("pk"), protected_identity=True))
    ),
    "turning_20": lambda qs, _v, t: qs.filter(
        in_kaa=True,
        birth_date__gt=pnr.years_before(t, 20),
        birth_date__lte=pnr.years_before(t + dt.timedelta(days=60), 20),
    ),
    "missing_guardian": lambda qs, _v, _t: qs.filter(missing_guardian=True, in_kaa=True),
}


def youth_list(
    *, user: User, filters: dict[str, Any], search: str = "", sort: str = "namn"
) -> YouthQuerySet:
    """The register list as the user may see it, filtered, searched and sorted."""
    today = timezone.localdate()
    current = Occupation.objects.filter(
        youth=OuterRef("pk"), end_date__isnull=True, confirmed=True
    ).order_by("-start_date", "-id")
    qs = (
        Youth.objects.visible_to(user)
        .select_related("coach", "team")
        .annotate(
            in_kaa=Exists(_open_period()),
            occupation_label=Subquery(current.values("type__label")[:1]),
        )
    )
    for name, apply in _FILTERS.items():
        value = filters.get(name)
        if value not in (None, "", [], False):
            qs = apply(qs, value, today)
    if search:
        qs = qs.filter(_search_q(search))
    return qs.order_by(*SORTS.get(sort, SORTS["namn"]))


def _search_q(text: str) -> Q:
    text = text.strip()
    if pnr.looks_like_personnummer(text):
        key = pnr.search_key(text)
        return Q(pnr_short__startswith=key)
    q = Q()
    for word in text.split():
        q &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return q


def youth_detail(*, user: User, pk: int) -> QuerySet[Youth]:
    """The youth page's queryset (one row, with what the header needs)."""
    return (
        Youth.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("coach", "team", "municipality")
    )


def timeline_for(*, youth: Youth) -> QuerySet[TimelineEntry]:
    return TimelineEntry.objects.filter(youth=youth).select_related("actor")
