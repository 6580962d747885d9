"""Staff accounts: roles that take effect only once a second person confirms them, and
one-time links to choose a password and enrol an authenticator.

* **Roles.** An admin never gives a role; it asks for one (`role_grant_request`). The account
  keeps its current access until a coordinator of its municipality or another admin confirms
  (`role_grant_decide`; who may is `kaa.access.may_decide_role_grant`). Taking access away
  (role "none") applies at once. Changing the e-mail address or the municipality of an account
  that has a role puts that role back up for confirmation: the confirmer vouches for the
  person and the address its links go to.
* **Links.** Nobody sets another person's password. A link is e-mailed to the account's own
  address (never shown to whoever sent it); it works once, for `KAA_ACCOUNT_LINK_HOURS`, and
  only its hash is stored. Opening it lets the person choose a password and, if the account
  has no authenticator, enrol one: the first authenticator is never enrolled with the
  password alone. A link for a lost phone removes the account's authenticators first.
  Staff who forgot their password ask for a password link themselves on the login page
  (`password_link_request`), where an e-mail server is configured.
* **Unused accounts.** An account invited but never used (no link spent, never logged in,
  also not by single sign-on) is disabled once its last link has run out
  (`unused_accounts_disable`, nightly): an address typed wrong or a person who never started
  leaves no open account behind. An admin who ticks it active again sends a new link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import smtplib
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaa.access import may_decide_role_grant, may_request_role
from kaa.audit import audit_change, audit_event
from kaa.models import AccountLink, AuditEvent, Role, RoleGrant, User

log = logging.getLogger(__name__)

Action = AuditEvent.Action
Purpose = AccountLink.Purpose


class GrantAlreadyDecided(Exception):
    """The grant was confirmed, rejected or withdrawn meanwhile."""


class LinkRefused(Exception):
    """A link that does not work (any more): `reason` is unknown, used, revoked or expired."""

    def __init__(self, reason: str, link: AccountLink | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.link = link


def refuse(request: HttpRequest | None, actor: User | None, detail: str, obj: Any = None) -> None:
    audit_event(
        request=request, user=actor, action=Action.DENIED, obj=obj, detail=detail, flagged=True
    )
    raise PermissionDenied


# --- Role grants ----------------------------------------------------------------------------


def role_grant_pending(user: User) -> RoleGrant | None:
    return RoleGrant.objects.filter(user=user, status=RoleGrant.Status.PENDING).first()


def _grant_withdraw(
    pending: RoleGrant, *, actor: User | None, request: HttpRequest | None, at: dt.datetime
) -> None:
    """A grant still waiting is withdrawn (by `actor`, or by no person), flagged in the log."""
    pending.status = RoleGrant.Status.WITHDRAWN
    pending.decided_by, pending.decided_at = actor, at
    pending.save(update_fields=["status", "decided_by", "decided_at"])
    audit_event(
        request=request,
        user=actor,
        action=Action.UPDATE,
        obj=pending,
        detail=f"role grant withdrawn: {pending.role}",
        flagged=True,
    )


def role_grant_request(
    *,
    user: User,
    role: str,
    actor: User | None,
    reason: str = "",
    request: HttpRequest | None = None,
    via: str = "command line",
) -> RoleGrant | None:
    """Ask for `role` for `user` (actor None: no person, but `via`, e.g. the command line).
    The account's access does not change until a second person confirms; a grant asked for
    earlier and still pending is withdrawn. Role "none" (no access) applies at once and needs
    nobody's confirmation."""
    if actor is not None and not may_request_role(actor, user):
        refuse(request, actor, "role grant: not allowed", obj=user)
    now = timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        pending = (
            RoleGrant.objects.select_for_update()
            .filter(user=locked, status=RoleGrant.Status.PENDING)
            .first()
        )
        if pending is not None and pending.role == role:
            return pending
        if pending is not None:
            _grant_withdraw(pending, actor=actor, request=request, at=now)
        if role == locked.role:
            return None
        if role == Role.NONE:
            locked.role = Role.NONE
            locked.save(update_fields=["role"])
            user.role = Role.NONE
            audit_change(request, locked, fields=["role"], user=actor)
            return None
        grant = RoleGrant.objects.create(
            user=locked,
            role=role,
            # An account of no municipality (an operator) is never given a role this way.
            municipality_id=cast(int, locked.municipality_id),
            reason=reason[:200],
            requested_by=actor,
            requested_at=now,
        )
        audit_event(
            request=request,
            user=actor,
            action=Action.CREATE,
            obj=grant,
            detail=f"role grant requested: {role}" + ("" if actor else f" ({via})"),
            flagged=True,
        )
        return grant


def role_grant_decide(
    *,
    grant: RoleGrant,
    confirm: bool,
    actor: User | None,
    request: HttpRequest | None = None,
    via: str = "command line",
) -> RoleGrant:
    """Confirm (the account gets the role now) or reject a pending grant. `actor` None: no
    person, but `via` (the command line, or the installation's set-up). Raises
    PermissionDenied (logged) when the actor may not decide it, e.g. the admin who asked for
    it, and GrantAlreadyDecided when it is no longer pending."""
    if actor is not None and not may_decide_role_grant(actor, grant):
        refuse(request, actor, "role grant: same person or outside scope", obj=grant)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=grant.user_id)
        locked = RoleGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.status != RoleGrant.Status.PENDING:
            raise GrantAlreadyDecided
        locked.decided_by, locked.decided_at = actor, timezone.now()
        if confirm and user.municipality_id != locked.municipality_id:
            # The account moved since: the grant was for the other municipality.
            locked.status = RoleGrant.Status.WITHDRAWN
            locked.save(update_fields=["status", "decided_by", "decided_at"])
            raise GrantAlreadyDecided
        locked.status = RoleGrant.Status.CONFIRMED if confirm else RoleGrant.Status.REJECTED
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        where = "" if actor else f" ({via})"
        audit_event(
            request=request,
            user=actor,
            action=Action.UPDATE,
            obj=locked,
            flagged=True,
            detail=f"role grant {locked.status}: {locked.role}{where}",
        )
        if confirm:
            user.role = locked.role
            user.save(update_fields=["role"])
            audit_change(request, user, fields=["role"], user=actor)
    return locked


def staff_identity_changed(
    *, user: User, actor: User | None, fields: list[str], request: HttpRequest | None = None
) -> RoleGrant | None:
    """The e-mail address or the municipality of an account was changed (by someone else):
    its role, and any role still waiting for it, must be confirmed again, for its links now go
    to another address, or its role reads another municipality's records. The account has no
    access meanwhile; a confirmer's page opened before the change offers a withdrawn grant."""
    if actor is not None and actor.pk == user.pk:
        return None
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        pending = (
            RoleGrant.objects.select_for_update()
            .filter(user=locked, status=RoleGrant.Status.PENDING)
            .first()
        )
        role = pending.role if pending is not None else locked.role
        if role == Role.NONE:
            return None
        if pending is not None:
            _grant_withdraw(pending, actor=actor, request=request, at=timezone.now())
        if locked.role != Role.NONE:
            locked.role = Role.NONE
            locked.save(update_fields=["role"])
            audit_change(request, locked, fields=["role"], user=actor)
        user.role = Role.NONE
        changed = ",".join(fields)
        grant = RoleGrant.objects.create(
            user=locked,
            role=role,
            # An account of no municipality (an operator) is never given a role this way.
            municipality_id=cast(int, locked.municipality_id),
            reason=f"changed: {changed}"[:200],
            requested_by=actor,
        )
        audit_event(
            request=request,
            user=actor,
            action=Action.CREATE,
            obj=grant,
            flagged=True,
            detail=f"role grant requested again after change of {changed}: {role}",
        )
    return grant


# --- One-time links -------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def devices_remove(user: User) -> int:
    """Remove every authenticator of the account (a lost phone)."""
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    return len(devices)


def account_link_issue(
    *,
    user: User,
    purpose: str,
    actor: User | None,
    request: HttpRequest | None = None,
    asked_by_self: bool = False,
) -> str:
    """Make a one-time link for `user` and return its token (only the hash is kept). Any
    earlier link of the account stops working. For a lost authenticator the account's
    authenticators are removed and its sessions ended first."""
    from kaa.services import sessions_end

    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        AccountLink.objects.filter(
            user=user, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        detail = f"account link sent: {purpose}"
        if purpose == Purpose.SECOND_FACTOR:
            removed = devices_remove(user)
            ended = sessions_end(user=user)
            detail += f"; {removed} authenticators removed, {ended} sessions ended"
        # A new link shows a new secret: nothing half-enrolled before carries over.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        link = AccountLink.objects.create(
            user=user,
            token_hash=_hash(token),
            purpose=purpose,
            created_by=actor,
            created_at=now,
            expires_at=now + dt.timedelta(hours=settings.KAA_ACCOUNT_LINK_HOURS),
        )
        audit_event(
            request=request,
            user=actor,
            action=Action.CREATE,
            obj=link,
            detail=detail
            + ("" if actor else " (forgot password)" if asked_by_self else " (command line)"),
            flagged=purpose == Purpose.SECOND_FACTOR,
        )
    return token


def unused_accounts_disable(*, now: dt.datetime | None = None) -> int:
    """Disable every active account that was sent a link, never spent one, never logged in
    and has no link left that still works; returns how many. Each is audited, and any session
    it has is ended."""
    from kaa.services import sessions_end

    now = now or timezone.now()
    links = AccountLink.objects.filter(user=OuterRef("pk"))
    unused = (
        User.objects.filter(is_active=True, last_login__isnull=True)
        .filter(Exists(links))
        .exclude(Exists(links.filter(used_at__isnull=False)))
        .exclude(
            Exists(links.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now))
        )
    )
    disabled = 0
    for user in unused.select_related("municipality"):
        with transaction.atomic():
            if not User.objects.filter(pk=user.pk, is_active=True).update(is_active=False):
                continue  # disabled meanwhile
            sessions_end(user=user)
            audit_event(
                user=None,
                action=Action.UPDATE,
                obj=user,
                detail="account disabled: its link ran out and it was never used",
            )
        disabled += 1
    return disabled


def account_link_url(token: str) -> str:
    return settings.KAA_BASE_URL.rstrip("/") + reverse("kaa:account_link", args=[token])


def account_link_send(
    *,
    user: User,
    purpose: str,
    actor: User | None,
    request: HttpRequest | None = None,
    asked_by_self: bool = False,
) -> bool:
    """Make a link and e-mail it to the account's own address: whoever asked for it never
    sees it. False when the account has no address or the mail server refused the message."""
    from kaa.lib.emails import send_account_link

    if not user.email:
        return False
    token = account_link_issue(
        user=user, purpose=purpose, actor=actor, request=request, asked_by_self=asked_by_self
    )
    context = {
        "name": user.first_name or user.username,
        "username": user.username,
        "purpose": purpose,
        "url": account_link_url(token),
        "hours": settings.KAA_ACCOUNT_LINK_HOURS,
        "enrol": not any(True for _d in devices_for_user(user, confirmed=True)),
    }
    try:
        send_account_link(to=user.email, context=context)
    except (OSError, smtplib.SMTPException):
        log.exception("account link e-mail refused")
        return False
    return True


def password_link_request(*, who: str, request: HttpRequest) -> bool:
    """Someone on the login page forgot their password and gave a username or an e-mail
    address: if exactly one active account with an address matches, a password link goes to
    that address (its authenticator stays: the link alone opens nothing where the second
    factor is needed). The answer on the page is the same either way; True when a link was
    sent. A second request for the same account within KAA_PASSWORD_RESET_MINUTES sends
    nothing (a link already waits in the mailbox)."""
    from django.db.models import Q

    who = who.strip()
    if not who:
        return False
    matches = list(
        User.objects.filter(Q(username__iexact=who) | Q(email__iexact=who), is_active=True)
        .exclude(email="")
        .order_by("pk")[:2]
    )
    if len(matches) != 1:
        audit_event(
            request=request,
            action=Action.LOGIN_FAILED,
            username=who[:150],
            detail="forgot password: no single account matched",
        )
        return False
    user = matches[0]
    recent = timezone.now() - dt.timedelta(minutes=settings.KAA_PASSWORD_RESET_MINUTES)
    if AccountLink.objects.filter(
        user=user, purpose=Purpose.PASSWORD, created_by=None, created_at__gte=recent
    ).exists():
        return False
    return account_link_send(
        user=user, purpose=Purpose.PASSWORD, actor=None, request=request, asked_by_self=True
    )


def account_link_find(token: str) -> AccountLink:
    """The link of `token` if it still works, else LinkRefused with the reason."""
    link = AccountLink.objects.select_related("user").filter(token_hash=_hash(token)).first()
    return _usable(link)


def account_link_by_hash(token_hash: str) -> AccountLink:
    link = AccountLink.objects.select_related("user").filter(token_hash=token_hash).first()
    return _usable(link)


def _usable(link: AccountLink | None) -> AccountLink:
    if link is None or not link.user.is_active:
        raise LinkRefused("unknown", link)
    if link.used_at is not None:
        raise LinkRefused("used", link)
    if link.revoked_at is not None:
        raise LinkRefused("revoked", link)
    if link.expires_at <= timezone.now():
        raise LinkRefused("expired", link)
    return link


def account_link_refused_log(request: HttpRequest, refused: LinkRefused) -> None:
    link = refused.link
    audit_event(
        request=request,
        action=Action.DENIED,
        user=link.user if link else None,
        obj=link,
        object_type="kaa.accountlink",
        flagged=link is not None,
        detail=f"account link {refused.reason}",
    )


def account_link_use(
    *,
    token_hash: str,
    password: str,
    device: TOTPDevice | None,
    request: HttpRequest | None = None,
) -> User:
    """Spend the link: set the chosen password and confirm the new authenticator (if the
    account needed one), all or nothing, once. Ends the account's other sessions."""
    from kaa.services import sessions_end

    with transaction.atomic():
        link = AccountLink.objects.select_for_update().filter(token_hash=token_hash).first()
        link = _usable(link)
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        user = link.user
        user.set_password(password)
        user.save(update_fields=["password"])
        sessions_end(user=user)
        audit_event(
            request=request,
            user=user,
            action=Action.UPDATE,
            obj=link,
            detail=f"account link used: {link.purpose}; password chosen",
        )
        if device is not None:
            if device.user_id != user.pk:
                raise LinkRefused("unknown", link)
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_event(
                request=request,
                user=user,
                action=Action.OTP_ENROLLED,
                obj=device,
                detail=f"through account link: {link.purpose}",
            )
    return user


def operator_create(
    *, username: str, email: str, first_name: str = "", last_name: str = ""
) -> tuple[User, str]:
    """An instance-wide admin (no municipality), from the command line only; returns the
    account and the token of its set-up link."""
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=Role.ADMIN,
            municipality=None,
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        audit_event(
            action=Action.CREATE,
            obj=user,
            object_type="kaa.user",
            detail="operator created (command line)",
            flagged=True,
        )
        token = account_link_issue(user=user, purpose=Purpose.INVITE, actor=None)
    return user, token
