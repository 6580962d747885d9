"""Views of the core: start page, login with second factor, health, error pages."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login

from kaa import health, login_guard, metrics, outbox
from kaa.access import ids_refused
from kaa.audit import audit_event
from kaa.forms import OTP_INVALID, AccountSettingsForm, LoginForm, OtpTokenForm
from kaa.lib.http import safe_next
from kaa.lib.params import int_list
from kaa.middleware import SESSION_LAST_SEEN, session_seconds_left
from kaa.models import AuditEvent, UserSession
from kaa.services import sessions_end
from kaa.types import AuthenticatedHttpRequest


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # "Logga in med <the identity provider>" while single sign-on is on (kaa.sso).
        context["sso_name"] = settings.KAA_OIDC_NAME if settings.KAA_OIDC_ISSUER else ""
        context["password_reset"] = settings.KAA_PASSWORD_RESET_EMAIL
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        login_guard.device_remember(self.request, response, form.get_user().get_username())
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        wait = getattr(self.request, login_guard.THROTTLED, 0)
        if wait:  # the same answer whatever the username: no password was checked
            return login_guard.throttled_response(self.request, wait)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """Ends KAA's session; a session that logged in through the identity provider then goes
    on to the provider's end-session page, which ends the provider's session too (kaa.sso)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from kaa.sso import end_session_url

        at_provider = end_session_url(request)
        response = super().post(request, *args, **kwargs)
        if at_provider:
            return HttpResponseRedirect(at_provider)
        return response


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "kaa/home.html", {"user_obj": request.user})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OtpTokenForm(request.POST or None, submit_label=_("Verifiera"))
    if form.is_valid():
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(safe_next(request))
        audit_event(request=request, action=AuditEvent.Action.OTP_FAILED)
        form.add_error("token", OTP_INVALID)
    return render(request, "otp/verify.html", {"form": form, "next": safe_next(request)})


@never_cache
@login_required
@require_GET
def otp_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where a user whose role needs a second factor, and who has no authenticator, is sent.
    The password alone never enrols one (a stolen password must not be enough to add the
    thief's phone): the page says to ask for a one-time link (kaa.views_accounts)."""
    if any(True for _d in devices_for_user(request.user, confirmed=True)):
        return redirect("kaa:otp_verify")
    return render(request, "otp/setup.html")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers (status "degraded" if the broker is down or background
    work was set aside as unsendable), else 503.

    The web tier stays in service without Redis: queued work waits, pages still work.
    The public (a load balancer) gets the status only; which part is down and the outbox
    counts go only to monitoring that presents KAA_HEALTHZ_TOKEN.
    """
    database = health.database_ok()
    broker = health.broker_ok()
    failed = outbox.failed() if database else 0
    status = ("ok" if broker and not failed else "degraded") if database else "down"
    code = 200 if database else 503
    if not health.monitoring_authorised(request):
        response = JsonResponse({"status": status}, status=code)
    else:
        payload: dict[str, Any] = {
            "status": status,
            "database": "ok" if database else "down",
            "broker": "ok" if broker else "down",
        }
        if database:  # background work waiting for the broker (kaa.outbox), counts only;
            payload["outbox_waiting"] = outbox.waiting()  # set-aside items need an operator
            payload["outbox_failed"] = failed
        response = JsonResponse(payload, status=code)
    patch_vary_headers(response, ["Authorization"])
    return response


@require_GET
def prometheus_metrics(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus' text format, for monitoring that presents KAA_METRICS_TOKEN
    (kaa.metrics). Without a configured token the address does not exist (404); with a wrong
    or missing one, 403. Counts, times and names of views only: no person, no URL."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    if not settings.KAA_METRICS_TOKEN:
        raise Http404
    if not health.bearer_matches(request, settings.KAA_METRICS_TOKEN):
        response = HttpResponse("403 Forbidden\n", status=403, content_type="text/plain")
    else:
        body = generate_latest(metrics.scrape_registry())
        response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    patch_vary_headers(response, ["Authorization"])
    return response


def accessibility(request: HttpRequest) -> HttpResponse:
    try:
        reviewed = dt.date.fromisoformat(settings.KAA_ACCESSIBILITY_REVIEWED)
    except ValueError:
        reviewed = None
    return render(
        request,
        "kaa/accessibility.html",
        {
            "contact": settings.KAA_ACCESSIBILITY_CONTACT or settings.DEFAULT_FROM_EMAIL,
            "reviewed": reviewed,
        },
    )


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from kaa.uploads import UploadTooLarge, too_large

    if isinstance(exception, UploadTooLarge):  # a file over its limit, stopped while arriving
        return too_large(request, exception.limit)
    return render(request, "errors/400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit_event(
            request=request,
            action=AuditEvent.Action.UPDATE,
            obj=request.user,
            detail=",".join(form.changed_data),
        )
        messages.success(request, _("Inställningarna är sparade."))
        return redirect("kaa:account")
    sessions = list(UserSession.objects.filter(user=request.user))
    return render(
        request,
        "kaa/account.html",
        {"form": form, "sessions": sessions, "this_key": request.session.session_key},
    )


@login_required
@require_POST
def session_end(request: AuthenticatedHttpRequest) -> HttpResponse:
    """End one of my other sessions, or all of them ("logga ut överallt annars")."""
    current = request.session.session_key or ""
    if request.POST.get("alla"):
        ended = sessions_end(user=request.user, except_key=current)
    else:
        ids = int_list(request.POST.getlist("id"))
        # Another user's session is refused and logged; an id already gone (ended by a first
        # click) is not a refusal.
        ids_refused(
            request,
            UserSession,
            UserSession.objects.filter(pk__in=ids)
            .exclude(user=request.user)
            .values_list("pk", flat=True),
        )
        keys = list(
            UserSession.objects.filter(user=request.user, pk__in=ids)
            .exclude(session_key=current)
            .values_list("session_key", flat=True)
        )
        ended = sessions_end(user=request.user, keys=keys)
    audit_event(
        request=request,
        action=AuditEvent.Action.LOGOUT,
        obj=request.user,
        detail=f"ended {ended} other sessions",
    )
    messages.success(
        request,
        ngettext(
            "%(n)s annan inloggning är avslutad.", "%(n)s andra inloggningar är avslutade.", ended
        )
        % {"n": ended},
    )
    return redirect("kaa:account")


@require_GET
@never_cache
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds left of the session (below 0: it has ended), for the page's timeout script. Not
    activity: an unattended tab asking does not keep the session alive (SessionTimeoutMiddleware
    passes this path by), and it does not end the session either (the next page does, and keeps
    a draft of what was typed in another tab)."""
    if not request.user.is_authenticated:
        return JsonResponse({"remaining": -1})
    return JsonResponse(
        {"remaining": min(session_seconds_left(request.session, int(time.time())))}
    )


@login_required
@require_POST
def session_extend(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The timeout warning's "stay logged in": any request by the user counts as activity."""
    request.session[SESSION_LAST_SEEN] = int(time.time())
    return HttpResponse(status=204)
