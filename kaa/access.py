"""The one place that decides who may do and see what.

Two questions, each answered only here:

* **May this user perform this action at all?** `has_perm(user, Perm.X)` (function level).
* **Which rows may this user see?** `ScopedQuerySet.visible_to(user)` (object level). Each
  model that holds personal data declares *where* its municipality, coach and team are
  (`Scope`); the rule itself (coordinator: the whole municipality; coach: own caseload and own
  team's; manager and admin: no individual records) is written once, in `scope_q`.

Views, exports, PDFs and tasks go through `get_for_user` / `visible_to` and never filter by
hand. A refused object answers 404 (strangers learn nothing) and writes a `denied` audit event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Concatenate,
    NoReturn,
    ParamSpec,
    Self,
    TypeVar,
)

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy

from kaa.models import AuditEvent, Role

if TYPE_CHECKING:
    from kaa.models import Municipality, User
    from kaa.types import AuthenticatedHttpRequest

_M = TypeVar("_M", bound=models.Model)


class Perm(StrEnum):
    VIEW_RECORDS = "view_records"  # individual youths' personal data (within the scope)
    EDIT_RECORDS = "edit_records"
    VIEW_MUNICIPALITY_RECORDS = "view_municipality_records"  # beyond own caseload and team
    # What can locate a youth with protected identity (or with a protected guardian), after a
    # stated reason for that youth; and listing who is protected (youth.register.permissions).
    VIEW_PROTECTED = "view_protected"
    ASSIGN_CASES = "assign_cases"
    CONFIGURE = "configure"  # routines, templates, code lists, reasons
    EXPORT = "export"  # xlsx exports, SCB files
    VIEW_AUDIT_LOG = "view_audit_log"  # loggkontroll
    VIEW_AGGREGATES = "view_aggregates"  # dashboards and board reports
    MANAGE_STAFF = "manage_staff"  # accounts, roles, teams
    CONFIRM_ROLE_GRANTS = "confirm_role_grants"  # confirm a role another person asked for
    ISSUE_ACCOUNT_LINKS = "issue_account_links"  # a new link for a lost authenticator


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.COORDINATOR: frozenset(
        {
            Perm.VIEW_RECORDS,
            Perm.EDIT_RECORDS,
            Perm.VIEW_MUNICIPALITY_RECORDS,
            Perm.VIEW_PROTECTED,
            Perm.ASSIGN_CASES,
            Perm.CONFIGURE,
            Perm.EXPORT,
            Perm.VIEW_AUDIT_LOG,
            Perm.VIEW_AGGREGATES,
            Perm.CONFIRM_ROLE_GRANTS,
            Perm.ISSUE_ACCOUNT_LINKS,
        }
    ),
    Role.COACH: frozenset({Perm.VIEW_RECORDS, Perm.EDIT_RECORDS}),
    Role.MANAGER: frozenset({Perm.VIEW_AGGREGATES}),
    Role.ADMIN: frozenset({Perm.MANAGE_STAFF, Perm.CONFIRM_ROLE_GRANTS, Perm.ISSUE_ACCOUNT_LINKS}),
    # Role.NONE (a role waiting for confirmation, or access taken away): nothing.
}


def has_perm(user: Any, perm: Perm) -> bool:
    """True if the user's role grants `perm`. Inactive and anonymous users have none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return perm in ROLE_PERMISSIONS.get(user.role, frozenset())


def require(request: HttpRequest, perm: Perm) -> None:
    """Raise 403 (and log the refusal) unless the request's user has `perm`."""
    if not has_perm(request.user, perm):
        _log_denied(request, detail=f"perm:{perm}")
        raise PermissionDenied


_Request = TypeVar("_Request", bound=HttpRequest)
_Response = TypeVar("_Response", bound=HttpResponseBase)
_P = ParamSpec("_P")


def perm_required(
    perm: Perm,
) -> Callable[
    [Callable[Concatenate[_Request, _P], _Response]],
    Callable[Concatenate[_Request, _P], _Response],
]:
    """View decorator: 403 unless the user has `perm` (the user is already logged in). The
    view keeps its signature: its request type (AuthenticatedHttpRequest) and its response
    (a FileResponse for a download)."""

    def decorator(
        view: Callable[Concatenate[_Request, _P], _Response],
    ) -> Callable[Concatenate[_Request, _P], _Response]:
        @wraps(view)
        def wrapped(request: _Request, *args: _P.args, **kwargs: _P.kwargs) -> _Response:
            require(request, perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@dataclass(frozen=True)
class Scope:
    """Where a model keeps the fields the access rule needs, as ORM lookup paths."""

    municipality: str
    coach: str | None = None
    team: str | None = None
    # Set while the youth's processing is restricted (GDPR art. 18): then only coordinators
    # see the record.
    restricted: str | None = None
    # Set once the youth's record has been gallrad (anonymised): then nobody sees it.
    anonymised: str | None = None


NOTHING = Q(pk__in=[])
RESTRICTED_MESSAGE = gettext_lazy(
    "Behandlingen av uppgifterna är begränsad: inget kan ändras "
    "förrän en samordnare har hävt begränsningen."
)


def scope_q(user: Any, scope: Scope) -> Q:
    """The row-level rule, as a filter: the single definition of who sees which record."""
    if not has_perm(user, Perm.VIEW_RECORDS) or user.municipality_id is None:
        return NOTHING
    in_municipality = Q(**{f"{scope.municipality}_id": user.municipality_id})
    if scope.anonymised:
        in_municipality &= Q(**{f"{scope.anonymised}__isnull": True})
    if has_perm(user, Perm.VIEW_MUNICIPALITY_RECORDS):
        return in_municipality
    own = NOTHING
    if scope.coach:
        own = Q(**{f"{scope.coach}_id": user.pk})
    if scope.team and user.team_id:
        own |= Q(**{f"{scope.team}_id": user.team_id})
    if scope.restricted:
        own &= Q(**{f"{scope.restricted}__isnull": True})
    return in_municipality & own


def municipality_q(user: Any, path: str = "municipality") -> Q:
    """Tenant filter for non-personal data (configuration, aggregates)."""
    if not getattr(user, "is_authenticated", False) or user.municipality_id is None:
        return NOTHING
    return Q(**{f"{path}_id": user.municipality_id})


def user_municipality(request: AuthenticatedHttpRequest) -> Municipality:
    """The municipality a municipal page works in: the user's own. A user of no municipality
    (an operator) has none and is refused (403, with a `denied` audit event)."""
    municipality = request.user.municipality
    if municipality is None:
        _refuse_no_municipality(request)
    return municipality


def user_municipality_id(request: AuthenticatedHttpRequest) -> int:
    """`user_municipality`'s id, without loading the municipality."""
    municipality_id = request.user.municipality_id
    if municipality_id is None:
        _refuse_no_municipality(request)
    return municipality_id


def _refuse_no_municipality(request: HttpRequest) -> NoReturn:
    refuse(request, detail="municipality")


def refuse(request: HttpRequest, *, detail: str) -> NoReturn:
    """403 for a request a view itself refuses (an action it does not offer), with the
    `denied` event every refusal writes."""
    _log_denied(request, detail=detail)
    raise PermissionDenied


def is_operator(user: Any) -> bool:
    """An instance-wide admin (no municipality): created only from the command line."""
    return has_perm(user, Perm.MANAGE_STAFF) and user.municipality_id is None


def staff_q(user: Any, path: str = "") -> Q:
    """The staff accounts a user may manage or review: an admin's or coordinator's own
    municipality's; an operator's, every municipality's. Accounts of no municipality
    (operators) are never managed through the web. `path` leads from the queried model to the
    account ("user__" for a grant)."""
    if not (has_perm(user, Perm.MANAGE_STAFF) or has_perm(user, Perm.CONFIRM_ROLE_GRANTS)):
        return NOTHING
    if user.municipality_id is None:
        return Q(**{f"{path}municipality__isnull": False}) if is_operator(user) else NOTHING
    return Q(**{f"{path}municipality_id": user.municipality_id})


def may_manage_staff_member(user: Any, stored: Any, *, municipality_id: int | None) -> bool:
    """May `user` save a staff account so that it belongs to `municipality_id`? `stored` is
    the account as it is in the database (None when creating one). Only within the admin's
    own municipality (an operator: any), never leaving the municipality blank, never an
    account of no municipality, and never the admin's own municipality."""
    if not has_perm(user, Perm.MANAGE_STAFF) or municipality_id is None:
        return False
    if user.municipality_id is not None and municipality_id != user.municipality_id:
        return False
    if stored is not None:
        if stored.municipality_id is None:
            return False
        if user.municipality_id is not None and stored.municipality_id != user.municipality_id:
            return False
        if stored.pk == user.pk and stored.municipality_id != municipality_id:
            return False
    return True


def may_request_role(user: Any, target: Any) -> bool:
    """An admin asks for a role for another account it manages, never for its own."""
    return (
        has_perm(user, Perm.MANAGE_STAFF)
        and target.pk != user.pk
        and target.municipality_id is not None
        and user.municipality_id in (None, target.municipality_id)
    )


def may_decide_role_grant(user: Any, grant: Any) -> bool:
    """Four eyes: a grant is confirmed or rejected by a coordinator of the account's
    municipality or by another admin (of that municipality, or an operator), never by the
    person who asked for it nor by the account it is for."""
    if not has_perm(user, Perm.CONFIRM_ROLE_GRANTS):
        return False
    if user.pk in (grant.requested_by_id, grant.user_id):
        return False
    if user.municipality_id is None:
        return is_operator(user)
    return user.municipality_id == grant.municipality_id


def may_issue_account_link(user: Any, target: Any) -> bool:
    """A new set-up link (lost authenticator): an admin or coordinator for another account of
    the staff they may manage or review."""
    if not has_perm(user, Perm.ISSUE_ACCOUNT_LINKS) or target.pk == user.pk:
        return False
    if target.municipality_id is None:
        return False
    if user.municipality_id is None:
        return is_operator(user)
    return target.municipality_id == user.municipality_id


class ScopedQuerySet(models.QuerySet[_M]):
    """Base queryset for every model with personal data; subclasses set `access_scope`."""

    access_scope: ClassVar[Scope]

    def visible_to(self, user: Any) -> Self:
        return self.filter(scope_q(user, self.access_scope))

    def writable(self) -> Self:
        """Leave out the records of youths whose processing is restricted (frozen) or that
        have been gallrade (anonymised): for bulk actions and scheduled jobs, which do not go
        through get_for_user."""
        queryset = self
        for path in (self.access_scope.restricted, self.access_scope.anonymised):
            if path:
                queryset = queryset.filter(**{f"{path}__isnull": True})
        return queryset


def get_for_user(
    request: HttpRequest,
    queryset: ScopedQuerySet[_M],
    *,
    write: bool = False,
    **lookup: Any,
) -> _M:
    """Fetch one object the user may see, or 404 (logged); 403 on writes by read-only roles.

    Does not log the read itself: a view that shows the record fetches it with
    `kaa.audit.get_for_display` (or, fetched for a form, logs it with `kaa.audit.shown`).
    """
    obj = queryset.visible_to(request.user).filter(**lookup).first()
    label = queryset.model._meta.label_lower
    if obj is None:
        _log_denied(request, detail="object", object_type=label, object_id=_asked_id(lookup))
        raise Http404
    if write and not has_perm(request.user, Perm.EDIT_RECORDS):
        _log_denied(request, detail="write", object_type=label, object_id=obj.pk)
        raise PermissionDenied
    restricted = getattr(queryset, "access_scope", None) and queryset.access_scope.restricted
    if (
        write
        and restricted
        and queryset.model._default_manager.filter(
            pk=obj.pk, **{f"{restricted}__isnull": False}
        ).exists()
    ):
        # GDPR art. 18: a record whose processing is restricted is frozen, whatever the path.
        _log_denied(request, detail="restricted", object_type=label, object_id=obj.pk)
        raise PermissionDenied(RESTRICTED_MESSAGE)
    return obj


def bulk_for_user(
    request: HttpRequest, queryset: ScopedQuerySet[_M], ids: Iterable[int], *, write: bool = False
) -> ScopedQuerySet[_M]:
    """The rows among `ids` (from a bulk form) that the user may see, or with `write` change.
    Every other id asked for (another's record, a frozen one, or no record at all) is refused
    as in `get_for_user`: one `denied` audit event per id, naming it. The caller narrows the
    result further by state (open tasks only, say); those are not refusals."""
    wanted = set(ids)
    visible = queryset.visible_to(request.user).filter(pk__in=wanted)
    seen = set(visible.values_list("pk", flat=True))
    ids_refused(request, queryset.model, wanted - seen)
    if not write:
        return visible
    allowed = visible.writable()
    ids_refused(
        request,
        queryset.model,
        seen - set(allowed.values_list("pk", flat=True)),
        detail="restricted",
    )
    return allowed


def ids_refused(
    request: HttpRequest, model: type[models.Model], ids: Iterable[Any], *, detail: str = "object"
) -> None:
    """Ids a bulk request asked for that the user may not act on and that were left out:
    one `denied` audit event per id, naming it (nothing is left out silently)."""
    from kaa.audit import audit_denied_ids

    if refused := sorted(ids):
        audit_denied_ids(request, object_type=model._meta.label_lower, ids=refused, detail=detail)


def get_in_municipality(
    request: HttpRequest,
    queryset: models.QuerySet[_M],
    *,
    path: str = "municipality",
    **lookup: Any,
) -> _M:
    """One non-personal object of the user's own municipality (uploads, batches, templates),
    or 404 with a `denied` audit event."""
    return _one_or_denied(request, queryset, municipality_q(request.user, path), lookup)


def get_staff_object(
    request: HttpRequest, queryset: models.QuerySet[_M], *, path: str = "", **lookup: Any
) -> _M:
    """One account (or grant, with `path` "user__") of the staff the user may manage or
    review, or 404 with a `denied` audit event."""
    return _one_or_denied(request, queryset, staff_q(request.user, path), lookup)


def _one_or_denied(
    request: HttpRequest, queryset: models.QuerySet[_M], allowed: Q, lookup: dict[str, Any]
) -> _M:
    """The one object of `queryset` matching `lookup` within `allowed`, or 404 with a
    `denied` audit event naming the id asked for."""
    obj = queryset.filter(allowed, **lookup).first()
    if obj is None:
        _log_denied(
            request,
            detail="object",
            object_type=queryset.model._meta.label_lower,
            object_id=_asked_id(lookup),
        )
        raise Http404
    return obj


def _asked_id(lookup: dict[str, Any]) -> Any:
    return lookup.get("pk", lookup.get("id", ""))


def _log_denied(
    request: HttpRequest, *, detail: str, object_type: str = "", object_id: Any = ""
) -> None:
    from kaa.audit import audit_event

    audit_event(
        request=request,
        action=AuditEvent.Action.DENIED,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


def is_second_person(user: Any, authors: Iterable[int | None]) -> bool:
    """Four eyes: a decision that cannot be undone (a gallring) is made by someone other than
    whoever asked for it or set the rules it applies. `authors` are their user ids (None: a
    scheduled job, nobody)."""
    pk = getattr(user, "pk", None)
    return pk is not None and pk not in {author for author in authors if author is not None}


def can_view_records(user: User) -> bool:
    return has_perm(user, Perm.VIEW_RECORDS)


class ReasonRequired(Exception):
    """Raised when a record may only be opened with a stated reason (a youth with protected
    identity); kaa.middleware sends the user to `url` to give one."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url
