"""Staff accounts in the staff UI: the one-time link page (choose a password, enrol the
authenticator), *Personal och behörigheter* (confirm or reject roles an admin asked for,
send a new link for a lost phone), changing one's own password, and "Glömt lösenordet?"."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaa import accounts
from kaa.access import (
    Perm,
    get_staff_object,
    may_decide_role_grant,
    may_issue_account_link,
    perm_required,
    staff_q,
)
from kaa.audit import audit_event
from kaa.forms import OTP_INVALID, AccountLinkForm, OwnPasswordForm, PasswordForgotForm
from kaa.models import AccountLink, AuditEvent, RoleGrant, User
from kaa.otp import totp_qr_svg, totp_secret_for_humans
from kaa.services import sessions_end
from kaa.types import AuthenticatedHttpRequest

# The link's token is kept in the session (hashed) once opened, so that it is not in the
# address of the page where the password is typed (nor in its Referer or the server's logs).
SESSION_LINK = "kaa_account_link"
RECENT_DECISIONS = 20


def _refused(request: HttpRequest, refused: accounts.LinkRefused) -> HttpResponse:
    accounts.account_link_refused_log(request, refused)
    request.session.pop(SESSION_LINK, None)
    return render(request, "kaa/account_link_invalid.html", {"reason": refused.reason}, status=410)


@never_cache
@require_GET
def account_link(request: HttpRequest, token: str) -> HttpResponse:
    """The address in the e-mail: checks the token and moves it into the session."""
    try:
        link = accounts.account_link_find(token)
    except accounts.LinkRefused as refused:
        return _refused(request, refused)
    if request.user.is_authenticated:
        logout(request)  # the link is for its own account, whoever was logged in here
    request.session[SESSION_LINK] = link.token_hash
    return redirect("kaa:account_link_form")


@never_cache
@require_http_methods(["GET", "POST"])
def account_link_form(request: HttpRequest) -> HttpResponse:
    try:
        link = accounts.account_link_by_hash(request.session.get(SESSION_LINK) or "-")
    except accounts.LinkRefused as refused:
        return _refused(request, refused)
    user = link.user
    device = None
    if not any(True for _d in devices_for_user(user, confirmed=True)):
        device = TOTPDevice.objects.filter(
            user=user, confirmed=False
        ).first() or TOTPDevice.objects.create(
            user=user, confirmed=False, name="Autentiseringsapp"
        )
    form = AccountLinkForm(user, request.POST or None, device=device)
    if request.method == "POST":
        if form.is_valid():
            try:
                user = accounts.account_link_use(
                    token_hash=link.token_hash,
                    password=form.cleaned_data["new_password1"],
                    device=device,
                    request=request,
                )
            except accounts.LinkRefused as refused:
                return _refused(request, refused)
            request.session.pop(SESSION_LINK, None)
            if device is None:
                # The account has an authenticator: the password alone opens nothing.
                messages.success(
                    request,
                    _(
                        "Ditt nya lösenord är sparat. Logga in med det och "
                        "en kod från din autentiseringsapp."
                    ),
                )
                return redirect("kaa:login")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            messages.success(
                request, _("Ditt lösenord är sparat och tvåfaktorinloggning är aktiverad.")
            )
            return redirect("kaa:home")
        if "token" in form.errors and OTP_INVALID in form.errors["token"]:
            audit_event(
                request=request,
                user=user,
                action=AuditEvent.Action.OTP_FAILED,
                detail="account link",
            )
    context = {"form": form, "account": user, "link": link, "enrol": device is not None}
    if device is not None:
        context.update(qr_svg=totp_qr_svg(device), base32_secret=totp_secret_for_humans(device))
    return render(request, "kaa/account_link.html", context)


@login_required
@perm_required(Perm.CONFIRM_ROLE_GRANTS)
@require_GET
def staff(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Roles waiting for a second person, the latest decisions, and the staff with the
    button for a new link (lost phone)."""
    user = request.user
    in_scope = RoleGrant.objects.filter(staff_q(user, "user__")).select_related(
        "user", "requested_by", "decided_by"
    )
    pending = [
        (grant, may_decide_role_grant(user, grant))
        for grant in in_scope.filter(status=RoleGrant.Status.PENDING)
    ]
    decided = in_scope.exclude(status=RoleGrant.Status.PENDING).order_by("-decided_at", "-id")[
        :RECENT_DECISIONS
    ]
    members = [
        (member, may_issue_account_link(user, member))
        for member in User.objects.filter(staff_q(user))
        .select_related("team", "municipality")
        .order_by("municipality__name", "last_name", "first_name", "username")
    ]
    return render(
        request, "kaa/staff.html", {"pending": pending, "decided": decided, "members": members}
    )


@login_required
@perm_required(Perm.CONFIRM_ROLE_GRANTS)
@require_POST
def role_grant_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    grant = get_staff_object(
        request, RoleGrant.objects.select_related("user"), path="user__", pk=pk
    )
    decision = request.POST.get("decision")
    if decision not in ("confirm", "reject"):
        return HttpResponseBadRequest()
    try:
        accounts.role_grant_decide(
            grant=grant, confirm=decision == "confirm", actor=request.user, request=request
        )
    except accounts.GrantAlreadyDecided:
        messages.warning(
            request, _("Begäran är redan avgjord eller återkallad. Listan är uppdaterad.")
        )
        return redirect("kaa:staff")
    if decision == "confirm":
        messages.success(
            request,
            _("%(name)s har nu rollen %(role)s.")
            % {"name": grant.user, "role": grant.get_role_display()},
        )
    else:
        messages.success(
            request,
            _("Begäran om rollen %(role)s för %(name)s är avslagen.")
            % {"name": grant.user, "role": grant.get_role_display()},
        )
    return redirect("kaa:staff")


@login_required
@perm_required(Perm.ISSUE_ACCOUNT_LINKS)
@require_POST
def staff_second_factor_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A lost phone: the account's authenticators are removed, its sessions ended, and a new
    link goes to its own e-mail address."""
    member = get_staff_object(request, User.objects.all(), pk=pk)
    if not may_issue_account_link(request.user, member):
        accounts.refuse(request, request.user, "account link: own account", obj=member)
    if accounts.account_link_send(
        user=member, purpose=AccountLink.Purpose.SECOND_FACTOR, actor=request.user, request=request
    ):
        messages.success(
            request,
            _(
                "Tvåfaktorinloggningen för %(name)s är borttagen och en ny "
                "aktiveringslänk är skickad till %(email)s."
            )
            % {"name": member, "email": member.email},
        )
    else:
        messages.error(
            request,
            _(
                "Ingen länk kunde skickas till %(name)s. Kontrollera "
                "e-postadressen (i systemadministrationen) och försök igen."
            )
            % {"name": member},
        )
    return redirect("kaa:staff")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Change one's own password. The other browsers logged in as the account are logged out
    (a password changed because it leaked must not leave a thief's session open)."""
    user = request.user
    if not user.has_usable_password():  # an account that logs in only through single sign-on
        return render(request, "kaa/password_change.html", {"form": None})
    form = OwnPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, user)
        ended = sessions_end(user=user, except_key=request.session.session_key or "")
        audit_event(
            request=request,
            action=AuditEvent.Action.UPDATE,
            obj=user,
            detail=f"password; {ended} other sessions ended",
        )
        messages.success(
            request,
            _("Ditt lösenord är bytt. Andra webbläsare där du var inloggad är utloggade."),
        )
        return redirect("kaa:account")
    return render(request, "kaa/password_change.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def password_forgot(request: HttpRequest) -> HttpResponse:
    """ "Glömt lösenordet?": a one-time link to choose a new password goes to the account's own
    e-mail address. The page answers the same whether an account matched or not. Only where
    an e-mail server is configured (KAA_PASSWORD_RESET_EMAIL)."""
    if not settings.KAA_PASSWORD_RESET_EMAIL:
        raise Http404
    form = PasswordForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.password_link_request(who=form.cleaned_data["who"], request=request)
        return render(request, "kaa/password_forgot.html", {"sent": True})
    return render(request, "kaa/password_forgot.html", {"form": form})
