"""Request context, session timeouts, the second factor and cache headers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from kaa import request_context
from kaa.models import AuditEvent

SESSION_LAST_SEEN = "kaa_last_seen"
SESSION_AUTH_AT = "kaa_auth_at"
SESSION_DRAFT = "kaa_draft"
# The account whose login through the identity provider included a second factor (kaa.sso):
# KAA asks that session for no code of its own.
SESSION_IDP_MFA = "kaa_idp_mfa"
# The provider's ID token of a single sign-on (kaa.sso), the hint for logging out at the
# provider too.
SESSION_OIDC_ID_TOKEN = "kaa_oidc_id_token"  # nosec B105  # a session key name, not a secret
DRAFT_LIFETIME = 3600
# Refresh the idle timestamp at most this often, so that most requests write no session row.
_LAST_SEEN_RESOLUTION = 30

# Asked by the page's timeout script (static/js/session.js): answers how long the session has
# left without counting as activity and without ending it (kaa.views.session_status).
SESSION_STATUS_PATH = "/konto/session/status/"
# A section that reloads itself on a timer (the home-visit alarms) sends this header: its
# requests are answered but are not activity, or an open start page would keep the session
# alive for ever. After the limit such a request gets an empty answer and leaves the session
# to the page itself: the page's own timer or the person's next click ends it and shows why,
# where a background request ending it would navigate away on its own and take the
# explanation with it.
POLL_HEADER = "X-KAA-Poll"
_OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/", "/konto/", "/tillganglighet")

Handler = Callable[[HttpRequest], HttpResponse]


class RequestContextMiddleware:
    """Gives each request an id of its own (sent back as X-Request-ID; a client's X-Request-ID
    is kept apart, kaa.request_context) and resolves the client IP for the audit log. With
    KAA_NODE_NAME set, names the web process that answered (X-KAA-Node)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tokens = request_context.begin(request)
        try:
            response = self.get_response(request)
        finally:
            request_context.end(tokens)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        if settings.KAA_NODE_NAME:
            response["X-KAA-Node"] = settings.KAA_NODE_NAME
        return response


def form_page(request: HttpRequest) -> str:
    """The page a POST came from (path and query), if it was this site's; else the POST's own
    path. Many forms post to an address of their own (a note to /anteckning/) that has no
    page to come back to."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc == request.get_host() and referer.path.startswith("/"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return request.get_full_path()


def _redirect_to_login(request: HttpRequest, *, next_url: str = "") -> HttpResponse:
    target = (
        reverse(settings.LOGIN_URL)
        + "?"
        + urlencode({"next": next_url or request.get_full_path()})
    )
    if getattr(request, "htmx", False) or request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


def session_seconds_left(session: Any, now: int) -> tuple[int, int]:
    """Seconds left before the idle limit and before the absolute limit (below 0: passed)."""
    idle = settings.KAA_SESSION_IDLE_MINUTES * 60 - (now - session.get(SESSION_LAST_SEEN, now))
    absolute = settings.KAA_SESSION_ABSOLUTE_HOURS * 3600 - (
        now - session.get(SESSION_AUTH_AT, now)
    )
    return idle, absolute


class SessionTimeoutMiddleware:
    """Ends a session after inactivity (default 30 min) and after an absolute limit (12 h).

    A form posted after the session has expired with a valid CSRF token is kept in the new
    anonymous session (`kaa_draft`, keyed by path) so that nothing typed is lost: the form
    view offers it back after the user has logged in again (`kaa.drafts.pop_draft`).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and request.path != SESSION_STATUS_PATH:
            now = int(time.time())
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle_left, absolute_left = session_seconds_left(request.session, now)
            poll = request.headers.get(POLL_HEADER) == "1"
            if idle_left < 0 or absolute_left < 0:
                if poll:
                    return HttpResponse(status=204)
                return self._expire(request, idle=idle_left < 0)
            if SESSION_AUTH_AT not in request.session:
                request.session[SESSION_AUTH_AT] = now
            stale = now - last_seen >= _LAST_SEEN_RESOLUTION
            if poll and SESSION_LAST_SEEN in request.session:
                return self.get_response(request)
            if stale or SESSION_LAST_SEEN not in request.session:
                request.session[SESSION_LAST_SEEN] = now
                if stale and request.session.session_key:
                    from kaa.request_context import current_ip
                    from kaa.services import session_seen, session_started

                    key = request.session.session_key
                    if not session_seen(key):
                        session_started(
                            user=user,
                            session_key=key,
                            ip=current_ip(),
                            user_agent=request.META.get("HTTP_USER_AGENT", ""),
                        )
        return self.get_response(request)

    def _expire(self, request: HttpRequest, *, idle: bool) -> HttpResponse:
        from kaa.audit import audit_event

        audit_event(
            request=request,
            action=AuditEvent.Action.SESSION_EXPIRED,
            detail="idle" if idle else "absolute",
        )
        draft = None
        owner = request.user.pk
        page = ""
        if request.method == "POST" and _csrf_valid(request):
            draft = {
                key: request.POST.getlist(key)
                for key in request.POST
                if key not in ("csrfmiddlewaretoken", "password")
            }
            page = form_page(request)
        logout(request)
        if draft:
            # Bound to the user whose session expired: nobody else logging in on this
            # browser ever sees it, and it is forgotten after DRAFT_LIFETIME seconds. After
            # the login the user comes back to the page the form is on, where the view
            # (kaa.drafts.pop_draft) or, for any other form, the page's script puts it back
            # (kaa.drafts.draft_for_page).
            request.session[SESSION_DRAFT] = {
                "path": request.path,
                "page": urlsplit(page).path,
                "data": draft,
                "user": owner,
                "at": int(time.time()),
            }
        if idle:
            text = _(
                "Du har loggats ut efter %(minutes)s minuter utan aktivitet. Logga in igen för "
                "att fortsätta."
            ) % {"minutes": settings.KAA_SESSION_IDLE_MINUTES}
        else:
            text = _(
                "Du har varit inloggad i %(hours)s timmar. Logga in igen för att fortsätta."
            ) % {"hours": settings.KAA_SESSION_ABSOLUTE_HOURS}
        if draft:
            text += " " + _("Det du hade skrivit är sparat och visas igen efter inloggningen.")
        messages.warning(request, text)
        return _redirect_to_login(request, next_url=page)


def _csrf_valid(request: HttpRequest) -> bool:
    """The CSRF check the view would have made (the browser's token; over HTTPS also the
    origin). A POST that arrives after the session expired never reaches its view, so this is
    checked before anything of it is kept: a cross-site POST must not plant a draft that the
    user's next login fills into a form."""
    from django.middleware.csrf import CsrfViewMiddleware

    def no_view(_request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    check = CsrfViewMiddleware(no_view)
    return check.process_view(request, no_view, (), {}) is None


def otp_required_for(user: object) -> bool:
    return getattr(user, "role", None) in settings.KAA_OTP_REQUIRED_ROLES


def second_factor_done(request: HttpRequest) -> bool:
    """A code from the user's authenticator was entered in this session, or the identity
    provider's login, which made this session, included a second factor."""
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return True
    return user.pk is not None and request.session.get(SESSION_IDP_MFA) == user.pk


class RequireSecondFactorMiddleware:
    """Sends users whose role requires TOTP to set it up or enter a code before anything else."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and otp_required_for(user)
            and not second_factor_done(request)
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            from django_otp import devices_for_user

            has_device = any(True for _device in devices_for_user(user, confirmed=True))
            name = "kaa:otp_verify" if has_device else "kaa:otp_setup"
            target = reverse(name) + "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(target)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages may carry personal data: no browser or proxy keeps a copy (ASVS 14.3.2)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store, private"
            response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        return response


class ReasonRequiredMiddleware:
    """Turns kaa.access.ReasonRequired into a visit to the page that asks for the reason
    (for htmx requests: an HX-Redirect, so the whole page goes there)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from kaa.access import ReasonRequired

        if not isinstance(exception, ReasonRequired):
            return None
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = exception.url
            return response
        return HttpResponseRedirect(exception.url)
