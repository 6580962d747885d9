"""Writing the audit log: one INSERT per event, fail closed.

Every read of a youth's personal data and every change goes through here; reads only through
the functions at the end of this module (`get_for_display`, `shown`, `listed`, ...), each
saying what was shown. If the event cannot be written, the exception propagates and the read
fails: personal data is never shown without a trace.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.http import HttpRequest

from kaa.access import ScopedQuerySet, get_for_user
from kaa.lib.days import months_before
from kaa.models import AuditEvent, AuditQuerySet, User
from kaa.request_context import current_client_request_id, current_ip, current_request_id
from kaa.types import AuthenticatedHttpRequest

Action = AuditEvent.Action
_M = TypeVar("_M", bound=models.Model)

# Events that are always flagged for the log review: refusals of access to an object, and
# accounts locked after failed logins.
FLAGGED_ACTIONS = frozenset({Action.DENIED, Action.LOCKED_OUT})
# --- How long the log is kept at the least ----------------------------------------------------
# No gallring deletes an event younger than its minimum, whatever a municipality's rule says
# (a rule for the log cannot be shorter than AUDIT_MINIMUM_MONTHS either). The log answers who
# read a youth's data, for the log review and for register extracts.
AUDIT_MINIMUM_MONTHS = 24
# Security events are kept longer: misuse of the register (dataintrång, brottsbalken 4 kap.
# 9 c §) can be prosecuted for five years after the act, and these events are its evidence.
AUDIT_MINIMUM_MONTHS_BY_ACTION: dict[str, int] = {
    Action.DENIED: 60,
    Action.LOGIN_FAILED: 60,
    Action.LOCKED_OUT: 60,
    Action.EXPORT: 60,
}
# The log's own history as long: the gallring rules, proposals, decisions and runs, the
# gallring of the log itself and its reviews (events about the audit log, its samples and
# their findings). An event names its object by the model's label: those models moved from
# reporting and kaa to records, and the events written before the move keep the old labels
# (the log is never rewritten), so both are listed.
AUDIT_MINIMUM_MONTHS_BY_OBJECT: dict[str, int] = {
    "records.retentionpolicy": 60,
    "records.retentionrun": 60,
    "kaa.auditevent": 60,
    "records.auditsample": 60,
    "records.auditsamplefinding": 60,
    "reporting.retentionpolicy": 60,
    "reporting.retentionrun": 60,
    "kaa.auditsample": 60,
    "kaa.auditsamplefinding": 60,
}


def _months_back(moment: dt.datetime, months: int) -> dt.datetime:
    """The same moment `months` calendar months earlier (on the month's last day if shorter),
    as the database's `now() - interval 'n months'`."""
    day = months_before(moment.date(), months)
    return moment.replace(year=day.year, month=day.month, day=day.day)


def audit_kept_q(now: dt.datetime) -> Q:
    """Events still within their minimum at `now` (the database's purge function applies the
    same minimums with its own clock)."""
    kept = Q(at__gte=_months_back(now, AUDIT_MINIMUM_MONTHS))
    for action, months in AUDIT_MINIMUM_MONTHS_BY_ACTION.items():
        kept |= Q(action=action, at__gte=_months_back(now, months))
    for object_type, months in AUDIT_MINIMUM_MONTHS_BY_OBJECT.items():
        kept |= Q(object_type=object_type, at__gte=_months_back(now, months))
    return kept


def audit_purgeable(
    *, municipality_id: int | None, before: dt.datetime, keep_youth_ids: Iterable[int] = ()
) -> AuditQuerySet:
    """The events a gallring of the log may delete: of `municipality_id` (None: of no
    municipality and about no youth) and older than `before`, except those about the youths
    in `keep_youth_ids` (a list page that showed one of them included) and those still within
    their minimum."""
    from django.db import connection
    from django.utils import timezone

    keep = [int(pk) for pk in keep_youth_ids]
    if municipality_id is None:
        events = AuditEvent.objects.filter(municipality__isnull=True, youth_id__isnull=True)
    else:
        events = AuditEvent.objects.filter(municipality_id=municipality_id)
    events = (
        events.filter(at__lt=before)
        .exclude(youth_id__in=keep)
        .exclude(audit_kept_q(timezone.now()))
    )
    if not keep:
        return events
    # PostgreSQL takes the ids as an array, SQLite as a JSON text.
    kept_ids: list[int] | str = keep
    if connection.vendor == "postgresql":
        listed = (
            "NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(kaa_auditevent.youth_ids) "
            "AS listed(id) WHERE listed.id::bigint = ANY (%s::bigint[]))"
        )
    else:
        listed = (
            "NOT EXISTS (SELECT 1 FROM json_each(kaa_auditevent.youth_ids) AS listed "
            "WHERE listed.value IN (SELECT value FROM json_each(%s)))"
        )
        kept_ids = json.dumps(keep)
    # django-stubs types extra() as QuerySet[Any, Any], as its `select` may add columns; with
    # `where` alone it is a queryset of this class and model.
    return events.extra(  # type: ignore[return-value]  # noqa: S610  # nosec B610
        where=[listed], params=[kept_ids]
    )


def audit_purge(
    *, municipality_id: int | None, before: dt.datetime, keep_youth_ids: Iterable[int] = ()
) -> int:
    """Gallring of the log (an approved gallring run, or the installation's job for events of
    no municipality): delete what `audit_purgeable` selects; returns how many.

    On PostgreSQL the application's role may not delete from the log at all: the database's
    function `kaa_audit_purge` (SECURITY DEFINER, owned by the tables' owner) does it, and
    applies the minimums itself, with the database's clock, whatever its caller passes."""
    from django.db import connection, transaction

    keep = [int(pk) for pk in keep_youth_ids]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {PURGE_FUNCTION}(%s::bigint, %s::timestamptz, %s::bigint[])",
                [municipality_id, before, keep],
            )
            return int(cursor.fetchone()[0])
    with transaction.atomic():
        return audit_purgeable(
            municipality_id=municipality_id, before=before, keep_youth_ids=keep
        ).purge_for_retention()


PURGE_FUNCTION = "kaa_audit_purge"
PURGE_FUNCTION_SIGNATURE = f"{PURGE_FUNCTION}(bigint, timestamp with time zone, bigint[])"


def purge_function_sql(schema: str) -> str:
    """The database's purge function, with the minimums above written into it (a migration
    creates it; a new migration must recreate it when a minimum changes, which
    tests/kaa/test_db_roles.py notices). `schema` is the quoted schema of the tables.

    It runs as its owner, the tables' owner (SECURITY DEFINER), with the trigger's exception
    switched on for its own statement only (an error rolls the setting back with the
    statement); its search path cannot be redirected."""
    import re

    def literal(name: str) -> str:
        if not re.fullmatch(r"[a-z_.]+", name):
            raise ValueError(name)
        return f"'{name}'"

    kept = [f"e.at >= now() - interval '{AUDIT_MINIMUM_MONTHS} months'"]
    kept += [
        f"(e.action = {literal(action)} AND e.at >= now() - interval '{months} months')"
        for action, months in AUDIT_MINIMUM_MONTHS_BY_ACTION.items()
    ]
    kept += [
        f"(e.object_type = {literal(kind)} AND e.at >= now() - interval '{months} months')"
        for kind, months in AUDIT_MINIMUM_MONTHS_BY_OBJECT.items()
    ]
    still_kept = "\n           OR ".join(kept)
    # Built from the constants above and a schema name quoted by the caller, never from input.
    return f"""
CREATE OR REPLACE FUNCTION {schema}.{PURGE_FUNCTION}(
    p_municipality_id bigint, p_before timestamptz, p_keep_youth_ids bigint[])
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = {schema}, pg_temp
AS $fn$
DECLARE
    deleted bigint;
BEGIN
    PERFORM set_config('kaa.audit_purge', 'on', true);
    DELETE FROM {schema}.kaa_auditevent AS e
    WHERE e.at < p_before
      AND CASE WHEN p_municipality_id IS NULL
               THEN e.municipality_id IS NULL AND e.youth_id IS NULL
               ELSE e.municipality_id = p_municipality_id END
      AND (e.youth_id IS NULL
           OR NOT e.youth_id = ANY (coalesce(p_keep_youth_ids, '{{}}'::bigint[])))
      AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(e.youth_ids) AS listed(id)
                      WHERE listed.id::bigint = ANY (coalesce(p_keep_youth_ids,
                                                              '{{}}'::bigint[])))
      AND NOT ({still_kept});
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('kaa.audit_purge', 'off', true);
    RETURN deleted;
END;
$fn$;
REVOKE ALL ON FUNCTION {schema}.{PURGE_FUNCTION_SIGNATURE} FROM PUBLIC;
"""  # noqa: S608  # nosec B608


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
    event = _event(
        action=action,
        request=request,
        user=user,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        youth_id=youth_id,
        detail=detail,
        flagged=flagged,
        username=username,
        youth_ids=youth_ids,
    )
    event.save(force_insert=True)
    return event


def _event(
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
    """One event, not yet saved: who (the request's user unless given), where and which request
    from the request context, and the flag every event of its kind carries."""
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
    return AuditEvent(
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


def naming_youth_q(youth_id: int) -> Q:
    """Events that concern one youth: reads and changes of the record, and list pages that
    showed the youth (PostgreSQL answers the list part from an index; the embedded demo
    database cannot look inside the JSON list and finds the record's own events only)."""
    from django.db import connection

    q = Q(youth_id=youth_id)
    if connection.vendor == "postgresql":
        q |= Q(youth_ids__contains=[youth_id])
    return q


def _bulk_events(objects: list[Any], **event: Any) -> None:
    """One event per object, the same `event` fields for each, in a single INSERT."""
    AuditEvent.objects.bulk_create(
        [_event(obj=obj, **event) for obj in objects],
        batch_size=1000,
    )


def audit_bulk_change(
    objects: list[Any],
    *,
    action: str = Action.UPDATE,
    user: User | None = None,
    fields: list[str] | None = None,
) -> None:
    """`audit_change` for many objects changed by one job, in a single INSERT."""
    _bulk_events(objects, action=action, user=user, detail=",".join(fields or []))


def audit_denied_ids(
    request: HttpRequest, *, object_type: str, ids: Iterable[Any], detail: str = ""
) -> None:
    """One `denied` event per refused id of a bulk request, naming it, in a single INSERT."""
    AuditEvent.objects.bulk_create(
        [
            _event(
                action=Action.DENIED,
                request=request,
                object_type=object_type,
                object_id=pk,
                detail=detail,
            )
            for pk in ids
        ],
        batch_size=1000,
    )


# --- Reads: what a page shows of a youth's data ------------------------------------------------
# The one way a READ (or SEARCH) event is written: every view, PDF, file and fragment that
# shows personal data calls one of the functions below, and each takes `what`, the part of the
# record shown (stored as the event's detail). Nothing else in the code writes a READ event
# (tests/kaa/test_audit_by_construction.py fails if a module does). The shape follows the page:
#
# * one record (`get_for_display`, or `shown` for a record fetched for a form): one event with
#   the record and its youth; `youth.register.permissions.youth_for_display` for the youth;
# * a page whose rows name youths (`listed`), after pagination: one event naming every youth
#   shown, whatever it shows beside the name (a name, a birth date, a status and the
#   "protected" badge are personal data): the register list and its search, the caseload, the
#   work queue, the weekly review, overdue follow-ups, network meetings, letter batches;
# * a step of a bulk operation that shows each listed youth's record data (`shown_each`: the
#   import preview's changed fields, the SCB checks' problems, a gallring proposal): one event
#   per record, in one INSERT;
# * a part of the youth's page loaded right after it (`shown_fragment`);
# * a page about no single record (`shown_page`): the audit log, the dashboard.
#
# A page that names no youth (counts, configuration) writes nothing. A refusal writes a
# `denied` event instead (kaa.access).


def _what(what: str) -> str:
    """`what` is required and says something: a blank one is a programming error."""
    if not what.strip():
        raise ValueError("a read names what was shown")
    return what


def shown(
    request: HttpRequest | None,
    obj: models.Model,
    *,
    what: str,
    flagged: bool = False,
    user: User | None = None,
) -> AuditEvent:
    """`obj` (fetched through kaa.access) was shown to the request's user: one event naming the
    record and its youth. Without a request (the e-service), `user` or nobody: the youth."""
    return audit_event(
        request=request,
        user=user,
        action=Action.READ,
        obj=obj,
        detail=_what(what),
        flagged=flagged,
    )


def get_for_display(
    request: HttpRequest, queryset: ScopedQuerySet[_M], *, what: str, **lookup: Any
) -> _M:
    """One record the user may see, fetched to be shown (404 and a `denied` event if not, as
    `kaa.access.get_for_user`), and its READ event."""
    obj = get_for_user(request, queryset, **lookup)
    shown(request, obj, what=what)
    return obj


def listed(
    request: HttpRequest,
    youths: Iterable[Any],
    *,
    what: str,
    search: bool = False,
    flagged: bool = False,
) -> AuditEvent:
    """A page whose rows name youths: one event, one INSERT, naming every youth shown (a
    search is a SEARCH event). `youths` are Youth objects or their ids."""
    ids = sorted({y if isinstance(y, int) else y.pk for y in youths})
    return audit_event(
        request=request,
        action=Action.SEARCH if search else Action.READ,
        object_type="youth.youth",
        detail=_what(what),
        flagged=flagged,
        youth_ids=ids,
    )


def shown_each(request: HttpRequest, objects: list[Any], *, what: str) -> None:
    """Each record of `objects` was shown with its data: one READ event per record, in a
    single INSERT."""
    _bulk_events(objects, action=Action.READ, request=request, detail=_what(what))


def exported_each(
    request: HttpRequest, objects: list[Any], *, what: str, action: str = Action.EXPORT
) -> None:
    """Each record of `objects` left the system in a file (an xlsx export; `action` PRINT:
    a PDF to print): one event per record, in a single INSERT."""
    if action not in (Action.EXPORT, Action.PRINT):
        raise ValueError("a read is written by shown_each")
    _bulk_events(objects, action=action, request=request, detail=_what(what))


def shown_page(
    request: HttpRequest,
    *,
    object_type: str,
    what: str,
    youth_id: int | None = None,
    youth_ids: list[int] | None = None,
) -> AuditEvent:
    """A page about no single record that still shows personal data (the audit log, whose
    events say whose records were opened; the dashboard): one event of `object_type`, naming
    the youths it was asked about, if any."""
    return audit_event(
        request=request,
        action=Action.READ,
        object_type=object_type,
        detail=_what(what),
        youth_id=youth_id,
        youth_ids=youth_ids,
    )


def shown_fragment(request: AuthenticatedHttpRequest, youth: models.Model, *, what: str) -> None:
    """A part of the youth's page loaded right after the page logged its own read: one event
    per view is enough, so log only if this user has not read the youth's page (or this very
    fragment) in the last 30 seconds. A list that merely named the youth does not count."""
    from django.urls import reverse
    from django.utils import timezone

    recent = timezone.now() - dt.timedelta(seconds=30)
    page = reverse("youth:detail", args=[youth.pk])
    if not AuditEvent.objects.filter(
        Q(path=page) | Q(path=request.path[:200]),
        user=request.user,
        youth_id=youth.pk,
        action=Action.READ,
        at__gte=recent,
    ).exists():
        shown(request, youth, what=what)
