"""Writing the audit log: one INSERT per event, fail closed.

Every read of a youth's personal data and every change goes through here. If the event cannot
be written, the exception propagates and the read fails (security.md S-07): personal data is
never shown without a trace.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.http import HttpRequest

from kaa.models import AuditEvent, User
from kaa.request_context import current_client_request_id, current_ip, current_request_id

Action = AuditEvent.Action

# Events that are always flagged for the log review: refusals of access to an object, and
# accounts locked after failed logins.
FLAGGED_ACTIONS = frozenset({Action.DENIED, Action.LOCKED_OUT})


def audit_event(
    *,
    action: str,
    request: HttpRequest | None = None,
    user: User | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    youth_id: int | None = None,
    detail: str = "",
    flagged: bool = False,
    username: str = "",
    youth_ids: list[int] | None = None,
) -> AuditEvent:
    """Append one event. `detail` must name fields or filters, never their values."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        if youth_id is None:
            youth_id = _youth_id_of(obj)
        flagged = flagged or bool(getattr(obj, "audit_flagged", False))
    flagged = flagged or action in FLAGGED_ACTIONS
    municipality_id = getattr(user, "municipality_id", None)
    if municipality_id is None and obj is not None:
        municipality_id = _municipality_of(obj)
    return AuditEvent.objects.create(
        action=action,
        user=user,
        username=(user.get_username() if user else username)[:150],
        role=getattr(user, "role", "") or "",
        municipality_id=municipality_id,
        object_type=object_type[:60],
        object_id=str(object_id)[:40],
        youth_id=youth_id,
        youth_ids=youth_ids or [],
        detail=detail[:200],
        path=(request.path if request is not None else "")[:200],
        ip=current_ip(),
        request_id=current_request_id(),
        client_request_id=current_client_request_id(),
        flagged=flagged,
    )


def _youth_id_of(obj: models.Model) -> int | None:
    """Which youth a record is about: the youth itself says so (`audit_youth_id`), and every
    record that belongs to one carries `youth_id`."""
    return getattr(obj, "audit_youth_id", None) or getattr(obj, "youth_id", None)


def _municipality_of(obj: models.Model) -> int | None:
    """The municipality a record belongs to, for events written by jobs (no user)."""
    if hasattr(obj, "municipality_id"):
        return obj.municipality_id
    youth = getattr(obj, "youth", None)
    return getattr(youth, "municipality_id", None)


def audit_read(request: HttpRequest, obj: models.Model, *, detail: str = "") -> AuditEvent:
    """Record that the request's user was shown `obj` (a page, a PDF, a fragment)."""
    return audit_event(request=request, action=Action.READ, obj=obj, detail=detail)


def audit_change(
    request: HttpRequest | None,
    obj: models.Model,
    *,
    action: str = Action.UPDATE,
    fields: list[str] | None = None,
    user: User | None = None,
) -> AuditEvent:
    """Record a create/update/delete of `obj`, naming the changed fields (not their values)."""
    detail = ",".join(fields or [])
    return audit_event(request=request, user=user, action=action, obj=obj, detail=detail)


def audit_list_read(
    request: HttpRequest,
    youths: Iterable[Any],
    *,
    detail: str,
    action: str = Action.READ,
    flagged: bool = False,
) -> AuditEvent:
    """A page view that listed youths: one event, one INSERT, naming every youth shown.

    The rule: every page whose rows name youths writes this once per view, whatever it shows
    beside the name (a name, a birth date, a status and the "protected" badge are personal data):
    the register list and its search results, the caseload, the work queue, the weekly review,
    overdue follow-ups, network meetings and letter batches. A page about one youth's record
    logs `audit_read` instead (its own read, with youth_id); so do, once per youth in one
    INSERT (`audit_bulk_read`), the steps of a bulk operation that show each listed youth's
    record data (the import preview's changed fields, the SCB checks' problems, a gallring
    proposal). A page that names no youth (counts, the school notices' inbox) logs nothing.
    `youths` are Youth objects or their ids."""
    ids = sorted({y if isinstance(y, int) else y.pk for y in youths})
    return audit_event(request=request, action=action, object_type="youth.youth",
                       detail=detail, flagged=flagged, youth_ids=ids)


def naming_youth_q(youth_id: int) -> Q:
    """Events that concern one youth: reads and changes of the record, and list pages that
    showed the youth (PostgreSQL answers the list part from an index; the embedded demo
    database cannot look inside the JSON list and finds the record's own events only)."""
    from django.db import connection

    q = Q(youth_id=youth_id)
    if connection.vendor == "postgresql":
        q |= Q(youth_ids__contains=[youth_id])
    return q


def audit_bulk_read(
    request: HttpRequest,
    objects: list[Any],
    *,
    action: str = Action.READ,
    detail: str = "",
) -> None:
    """Record one event per object in a single INSERT (exports, batch PDFs)."""
    user = request.user if request.user.is_authenticated else None
    events = [
        AuditEvent(
            action=action,
            user=user,
            username=user.get_username() if user else "",
            role=getattr(user, "role", "") or "",
            municipality_id=getattr(user, "municipality_id", None),
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            youth_id=_youth_id_of(obj),
            detail=detail[:200],
            path=request.path[:200],
            ip=current_ip(),
            request_id=current_request_id(),
            client_request_id=current_client_request_id(),
            flagged=action in FLAGGED_ACTIONS or bool(getattr(obj, "audit_flagged", False)),
        )
        for obj in objects
    ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)


def audit_denied_ids(request: HttpRequest, *, object_type: str, ids: Iterable[Any],
                     detail: str = "") -> None:
    """One `denied` event per refused id of a bulk request, naming it, in a single INSERT."""
    user = request.user if request.user.is_authenticated else None
    events = [
        AuditEvent(
            action=Action.DENIED,
            user=user,
            username=user.get_username() if user else "",
            role=getattr(user, "role", "") or "",
            municipality_id=getattr(user, "municipality_id", None),
            object_type=object_type[:60],
            object_id=str(pk)[:40],
            detail=detail[:200],
            path=request.path[:200],
            ip=current_ip(),
            request_id=current_request_id(),
        )
        for pk in ids
    ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)


def audit_read_fragment(request: HttpRequest, youth: models.Model, *, detail: str) -> None:
    """A part of the youth's page loaded right after the page logged its own read: one event
    per view is enough, so log only if this user has not read the youth's page (or this very
    fragment) in the last 30 seconds. A list that merely named the youth does not count."""
    from django.urls import reverse
    from django.utils import timezone

    recent = timezone.now() - timezone.timedelta(seconds=30)
    page = reverse("youth:detail", args=[youth.pk])
    if not AuditEvent.objects.filter(
            Q(path=page) | Q(path=request.path[:200]), user=request.user, youth_id=youth.pk,
            action=Action.READ, at__gte=recent).exists():
        audit_read(request, youth, detail=detail)
