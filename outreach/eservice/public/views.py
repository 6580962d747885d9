"""The youth's public e-service: no login; a personal code plus the birth date.

Every answer to a wrong code, a wrong birth date, a locked code or a bot is the same page with
the same message, so that nothing tells whether a code exists. Posts are rate limited per
client address and per code (kaa.lib.ratelimit); the lockout after wrong birth dates is kept in
the database (outreach.eservice.services.code_check).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaa.audit import shown
from kaa.lib.ratelimit import Limit, hit
from kaa.request_context import current_ip
from outreach.eservice import services as eservice
from outreach.eservice.models import AccessCode, code_display, code_normalise
from outreach.eservice.public.forms import AnswerForm, CodeForm, RecheckForm
from outreach.rechecks.services import recheck_answer_by_youth

SESSION_CODE = "eservice_code"
SESSION_AT = "eservice_at"
SESSION_DRAFT = "eservice_draft"
# A code whose period has ended signs in to the re-check question only, under its own key:
# the answer form (SESSION_CODE) stays closed to it.
SESSION_RECHECK = "eservice_recheck"


def _limits(code: str) -> list[tuple[Limit, str]]:
    """Per client address (10 minutes) and per code (an hour), read from the settings."""
    return [
        (Limit("eservice-ip", settings.KAA_ESERVICE_LIMIT_IP, 600), current_ip() or "-"),
        (Limit("eservice-code", settings.KAA_ESERVICE_LIMIT_CODE, 3600), code),
    ]


def _throttled(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    context["throttled"] = True
    response = render(request, template, context, status=429)
    response["Retry-After"] = "600"
    return response


def _wrong() -> str:
    return _(
        "Koden eller födelsedatumet stämmer inte. Kontrollera och försök igen. Du kan "
        "också ringa eller mejla oss, se brevet du fick."
    )


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str = "") -> HttpResponse:
    """Code and birth date; /e/<code>/ is the personal link with the code filled in."""
    initial = {"code": code_display(code_normalise(code))} if code else {}
    form = CodeForm(request.POST if request.method == "POST" else None, initial=initial)
    context: dict[str, Any] = {"form": form}
    if request.method != "POST":
        return render(request, "outreach/eservice/public/start.html", context)
    typed = code_normalise(request.POST.get("code", ""))
    if not hit(_limits(typed)):
        return _throttled(request, "outreach/eservice/public/start.html", context)
    if form.is_valid() and not form.is_bot():
        result = eservice.code_check(
            text=form.cleaned_data["code"], birth_date=form.cleaned_data["birth_date"]
        )
        if result.status is eservice.Check.OK and result.code is not None:
            # The answer page greets the youth by first name: a read, by the youth.
            shown(None, result.code, what="e-service sign-in by the youth")
            draft = _draft_for(request, result.code.pk)
            request.session.cycle_key()
            if draft is not None:
                request.session[SESSION_DRAFT] = {"code": result.code.pk, "fields": draft}
            request.session[SESSION_CODE] = result.code.pk
            request.session[SESSION_AT] = int(time.time())
            return redirect("eservice:answer")
        if result.status is eservice.Check.RECHECK and result.code is not None:
            shown(None, result.code, what="e-service sign-in by the youth for a re-check")
            request.session.cycle_key()
            request.session.pop(SESSION_DRAFT, None)
            request.session[SESSION_RECHECK] = result.code.pk
            request.session[SESSION_AT] = int(time.time())
            return redirect("eservice:recheck")
        context["error"] = (
            _(
                "Koden gäller inte längre. Hör av dig till oss om du vill ha "
                "hjälp, se brevet du fick."
            )
            if result.status is eservice.Check.ENDED
            else _wrong()
        )
    elif form.is_bot():
        context["error"] = _wrong()
    return render(request, "outreach/eservice/public/start.html", context, status=200)


def _draft_for(request: HttpRequest, code_id: int) -> dict[str, str] | None:
    """The answer typed before the session ran out, only for the code it was typed under.
    Any other code signing in drops it from the session: one youth's words are never shown
    to the next youth on the same browser."""
    draft = request.session.pop(SESSION_DRAFT, None)
    if (
        not isinstance(draft, dict)
        or draft.get("code") != code_id
        or not isinstance(draft.get("fields"), dict)
    ):
        return None
    return draft["fields"]


def _signed_in(request: HttpRequest) -> AccessCode | None:
    code_id, at = request.session.get(SESSION_CODE), request.session.get(SESSION_AT, 0)
    if not code_id or time.time() - at > settings.KAA_ESERVICE_SESSION_MINUTES * 60:
        return None
    return eservice.code_usable(code_id)


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest) -> HttpResponse:
    code = _signed_in(request)
    if code is None:
        typed_under = request.session.pop(SESSION_CODE, None)
        if request.method == "POST" and typed_under:
            # Signed out while writing: keep what was typed, bound to the code it was typed
            # under, for after that code is entered again (the session holds it, never the
            # page or the URL). A session that never signed in keeps nothing.
            request.session[SESSION_DRAFT] = {
                "code": typed_under,
                "fields": {
                    name: request.POST.get(name, "")[:1000] for name in AnswerForm.Meta.fields
                },
            }
        return render(request, "outreach/eservice/public/expired.html", status=403)
    draft = _draft_for(request, code.pk) if request.method == "GET" else None
    form = AnswerForm(request.POST if request.method == "POST" else None, initial=draft or None)
    context = {"form": form, "youth": code.youth}
    if request.method == "POST":
        if not hit(_limits(code.code)):
            return _throttled(request, "outreach/eservice/public/answer.html", context)
        if form.is_bot():
            request.session.flush()
            return redirect("eservice:thanks")
        if form.is_valid():
            eservice.submission_save(code=code, data=form.submission_data())
            request.session.flush()
            return redirect("eservice:thanks")
    return render(request, "outreach/eservice/public/answer.html", context)


@require_http_methods(["GET", "POST"])
def recheck(request: HttpRequest) -> HttpResponse:
    """ "What do you do now?" after the youth has left KAA: one question, while a re-check of
    where they went is open for their answer."""
    code_id, at = request.session.get(SESSION_RECHECK), request.session.get(SESSION_AT, 0)
    item = None
    if code_id and time.time() - at <= settings.KAA_ESERVICE_SESSION_MINUTES * 60:
        item = eservice.recheck_usable(code_id)
    if item is None:
        request.session.pop(SESSION_RECHECK, None)
        return render(request, "outreach/eservice/public/expired.html", status=403)
    form = RecheckForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "youth": item.youth}
    if request.method == "POST":
        if not hit(_limits(str(code_id))):
            return _throttled(request, "outreach/eservice/public/recheck.html", context)
        if form.is_bot():
            request.session.flush()
            return redirect("eservice:thanks")
        if form.is_valid():
            recheck_answer_by_youth(
                recheck=item,
                activity=form.cleaned_data["activity"],
                description=form.cleaned_data["description"],
            )
            request.session.flush()
            return redirect("eservice:thanks")
    return render(request, "outreach/eservice/public/recheck.html", context)


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/eservice/public/thanks.html")
