"""Setting up an installation, and each municipality it serves, from the command line
(`manage.py kaa_setup`): the municipality under its official code and name, and its first admin
with a one-time link to choose a password and enrol an authenticator.

The four-eyes rule for roles holds here too: the first admin's role is asked for like any other
(`kaa.accounts.role_grant_request`). Who confirms it:

* someone who can through the web (an active coordinator or admin of that municipality, or an
  operator): then the grant waits for them, as any other;
* nobody yet (a new installation, or a new municipality on an installation without operators):
  the set-up confirms it itself. Whoever runs the command on the server already holds the
  database and the secret key; the confirmation is their act as the installation's operator,
  written to the audit log, flagged, as made by `kaa_setup`, exactly as `role_grants
  --confirm` would be.

Running it again with the same arguments changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kaa import accounts
from kaa.audit import audit_event
from kaa.models import AccountLink, AuditEvent, Municipality, Role, RoleGrant, User
from kaa.municipalities import Kommun, NotOfficial, official_check

VIA = "kaa_setup"


class SetupRefused(Exception):
    """The arguments do not fit the official list or the accounts there are."""


@dataclass
class SetupPlan:
    kommun: Kommun
    municipality: Municipality | None  # None: to be created
    admin_email: str = ""
    admin_username: str = ""
    admin: User | None = None  # an existing account that already is (or waits to be) admin
    first_name: str = ""
    last_name: str = ""

    @property
    def changes(self) -> list[str]:
        what = []
        if self.municipality is None:
            what.append(f"create municipality {self.kommun.code} {self.kommun.name}")
        if self.admin_email and self.admin is None:
            what.append(f"create the admin account {self.admin_username} ({self.admin_email})")
        return what


@dataclass
class SetupResult:
    municipality: Municipality
    municipality_created: bool
    admin: User | None = None
    admin_created: bool = False
    grant: RoleGrant | None = None
    confirmed_by_setup: bool = False
    token: str = ""


def setup_plan(
    *,
    code: str,
    name: str,
    admin_email: str = "",
    username: str = "",
    first_name: str = "",
    last_name: str = "",
) -> SetupPlan:
    """Check everything and change nothing: SetupRefused says what does not fit."""
    try:
        kommun = official_check(code, name)
    except NotOfficial as exc:
        raise SetupRefused(str(exc)) from exc
    plan = SetupPlan(
        kommun=kommun,
        municipality=Municipality.objects.filter(code=kommun.code).first(),
        first_name=first_name,
        last_name=last_name,
    )
    if not admin_email:
        return plan
    email = admin_email.strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise SetupRefused(f"{email!r} is not an e-mail address.") from exc
    plan.admin_email = email
    plan.admin_username = (username or email).strip().lower()
    same = list(User.objects.filter(email__iexact=email).select_related("municipality"))
    if len(same) > 1:
        raise SetupRefused(
            f"Several accounts have the address {email}: give the admin an address of their own."
        )
    if not same:
        if User.objects.filter(username__iexact=plan.admin_username).exists():
            raise SetupRefused(
                f"The username {plan.admin_username} is taken: choose another with --username."
            )
        return plan
    account = same[0]
    if plan.municipality is None or account.municipality_id != plan.municipality.pk:
        where = account.municipality or "no municipality (an operator)"
        raise SetupRefused(
            f"The address {email} belongs to the account {account.username} "
            f"of {where}: an account stays in its municipality."
        )
    pending = accounts.role_grant_pending(account)
    if account.role != Role.ADMIN and not (pending and pending.role == Role.ADMIN):
        raise SetupRefused(
            f"The account {account.username} ({email}) of {plan.municipality} has the role "
            f"{account.role}: ask for the admin role at /system/ (a second person confirms)."
        )
    plan.admin = account
    return plan


def _confirmers_exist(municipality: Municipality, exclude: User) -> bool:
    """Could someone confirm a role for this municipality through the web?"""
    return (
        User.objects.filter(is_active=True)
        .exclude(pk=exclude.pk)
        .filter(
            Q(municipality=municipality, role__in=[Role.COORDINATOR, Role.ADMIN])
            | Q(municipality__isnull=True, role=Role.ADMIN)
        )
        .exists()
    )


def setup_apply(plan: SetupPlan) -> SetupResult:
    """Create what the plan lacks, all or nothing."""
    with transaction.atomic():
        municipality, created = Municipality.objects.get_or_create(
            code=plan.kommun.code,
            defaults={"name": plan.kommun.name, "in_use_from": timezone.localdate()},
        )
        if created:
            audit_event(
                action=AuditEvent.Action.CREATE,
                obj=municipality,
                flagged=True,
                detail=f"municipality created ({VIA})",
            )
        result = SetupResult(
            municipality=municipality, municipality_created=created, admin=plan.admin
        )
        if plan.admin is not None:
            result.grant = accounts.role_grant_pending(plan.admin)
        if plan.admin_email and plan.admin is None:
            _admin_create(plan, municipality, result)
    return result


def _admin_create(plan: SetupPlan, municipality: Municipality, result: SetupResult) -> None:
    user = User(
        username=plan.admin_username,
        email=plan.admin_email,
        first_name=plan.first_name,
        last_name=plan.last_name,
        role=Role.NONE,
        municipality=municipality,
    )
    user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise SetupRefused("; ".join(exc.messages)) from exc
    user.save()
    audit_event(
        action=AuditEvent.Action.CREATE,
        obj=user,
        object_type="kaa.user",
        flagged=True,
        detail=f"first admin's account created ({VIA})",
    )
    grant = accounts.role_grant_request(
        user=user,
        role=Role.ADMIN,
        actor=None,
        via=VIA,
        reason=f"first admin of {municipality.name} ({VIA})",
    )
    # The account has no role yet, so a grant is always made.
    if grant is not None and not _confirmers_exist(municipality, exclude=user):
        grant = accounts.role_grant_decide(
            grant=grant, confirm=True, actor=None, via=f"{VIA}: nobody else can confirm yet"
        )
        result.confirmed_by_setup = True
        user.refresh_from_db()
    result.admin, result.admin_created, result.grant = user, True, grant
    result.token = accounts.account_link_issue(
        user=user, purpose=AccountLink.Purpose.INVITE, actor=None
    )


def new_link(user: User) -> str:
    """A new one-time link for the admin set up earlier: an invitation while the account has
    no password yet; else, as for a lost phone, its authenticators are removed and its
    sessions ended first."""
    if not user.is_active and user.last_login is None:
        # Disabled because its first link ran out unused: the operator's new link brings it
        # back (a link of a disabled account opens nothing).
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
        audit_event(
            user=None,
            action=AuditEvent.Action.UPDATE,
            obj=user,
            detail="account enabled again for a new link (command line)",
        )
    purpose = (
        AccountLink.Purpose.SECOND_FACTOR
        if user.has_usable_password()
        else AccountLink.Purpose.INVITE
    )
    return accounts.account_link_issue(user=user, purpose=purpose, actor=None)
