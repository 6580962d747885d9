"""Single sign-on with OpenID Connect (the authorization code flow with PKCE, through
mozilla-django-oidc): the municipality's identity provider authenticates, KAA decides.

* **Who.** The provider's answer names a person by a claim (KAA_OIDC_MATCH_CLAIM, the e-mail
  address by default) that is compared with one field of the accounts (KAA_OIDC_MATCH_FIELD).
  Exactly one active account must match; its role and municipality are KAA's, never the
  provider's. A person KAA does not know is refused and the refusal logged, unless
  KAA_OIDC_ROLE_MAP names a role for one of their claim values: then an account is created
  with no role, and the role waits for a coordinator's or admin's confirmation like any other
  (kaa.accounts.role_grant_request).
* **The token.** Signature (the provider's published keys), issuer, audience (this client;
  with several audiences, `azp` too), expiry and nonce are checked; the `state` is spent at
  the first answer, so an answer replayed is refused.
* **Second factor.** When the ID token says the person used more than a password (`amr`, or
  `acr` at a configured level) the session counts as having done KAA's second factor;
  otherwise a role that needs it enters a code from its authenticator as after a password.
* **Logout** ends KAA's session and then the provider's (RP-initiated logout at its
  end_session_endpoint, with the ID token as hint).
* **Failures** (refused token, unknown person, disabled or locked-out account, a replayed or
  unknown state, the provider's own error) are written to the audit log as failed logins,
  with the reason.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from kaa import login_guard
from kaa.audit import audit_event
from kaa.middleware import SESSION_IDP_MFA, SESSION_OIDC_ID_TOKEN
from kaa.models import AuditEvent, Municipality, Role, User

log = logging.getLogger(__name__)

VIA = "single sign-on"
_DISCOVERY_SECONDS = 3600
_discovered: dict[str, tuple[float, dict[str, Any]]] = {}

# Request attributes of the provider's answer: why it was refused (once logged), and whether
# the provider did a second factor.
_REFUSED = "kaa_sso_refused"
_MFA = "kaa_sso_mfa"
_PENDING = "kaa_sso_pending"
_ID_TOKEN = "kaa_sso_id_token"  # nosec B105  # a request attribute name, not a secret


def enabled() -> bool:
    return bool(settings.KAA_OIDC_ISSUER)


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read, or is not the issuer's."""


class Refused(Exception):
    """The provider's answer does not log anybody in: `reason` goes to the audit log."""

    def __init__(
        self,
        reason: str,
        *,
        username: str = "",
        account: User | None = None,
        unknown: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason, self.username, self.account, self.unknown = reason, username, account, unknown


def discovery() -> dict[str, Any]:
    """The provider's configuration (endpoints, issuer), kept for an hour per process."""
    url = settings.KAA_OIDC_DISCOVERY_URL
    now = time.monotonic()
    cached = _discovered.get(url)
    if cached and cached[0] > now:
        return cached[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery document not readable: {exc}") from exc
    if str(document.get("issuer", "")).rstrip("/") != settings.KAA_OIDC_ISSUER:
        raise ProviderUnavailable(
            f"discovery document names the issuer {document.get('issuer')!r}, not KAA_OIDC_ISSUER"
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not document.get(key):
            raise ProviderUnavailable(f"discovery document has no {key}")
    _discovered[url] = (now + _DISCOVERY_SECONDS, document)
    return document


def discovery_forget() -> None:
    _discovered.clear()


def mfa_by_provider(id_claims: dict[str, Any]) -> str:
    """How the ID token says a second factor was used ("amr mfa", "acr ..."), or ""."""
    amr = id_claims.get("amr") or []
    for value in [amr] if isinstance(amr, str) else amr:
        if value in settings.KAA_OIDC_MFA_AMR:
            return f"amr {value}"
    acr = id_claims.get("acr")
    if acr and acr in settings.KAA_OIDC_MFA_ACR:
        return f"acr {acr}"
    return ""


def refused_log(request: HttpRequest, refused: Refused) -> None:
    """Write the refusal once per answer: a failed login, naming whom the provider named."""
    if getattr(request, _REFUSED, None) is not None:
        return
    setattr(request, _REFUSED, refused)
    audit_event(
        request=request,
        action=AuditEvent.Action.LOGIN_FAILED,
        username=refused.username[:150],
        obj=refused.account,
        object_type="kaa.user" if refused.account else "",
        detail=f"{VIA}: {refused.reason}"[:200],
    )


# --- The backend ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Keys:
    algorithm: str
    key: Any


class OidcBackend(OIDCAuthenticationBackend):
    """Authenticates only the provider's answer at kaa:oidc_callback. Endpoints come from the
    discovery document when a login needs them, never when the backend is made (Django makes
    one for every request of a session that logged in through it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.UserModel = get_user_model()

    # The library reads these as attributes.
    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802
        return discovery()["token_endpoint"]

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802
        return discovery().get("userinfo_endpoint", "")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return discovery()["jwks_uri"]

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:  # noqa: N802
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:  # noqa: N802
        return settings.OIDC_RP_SIGN_ALGO

    OIDC_RP_IDP_SIGN_KEY = None

    def get_user(self, user_id: Any) -> Any:
        # Django's check (an inactive account has no session), not the library's.
        return ModelBackend.get_user(self, user_id)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if (
            request is None
            or not enabled()
            or "nonce" not in kwargs
            or not getattr(request, login_guard.SSO_CALLBACK, False)
        ):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except Refused as refused:
            refused_log(request, refused)
        except ProviderUnavailable as exc:
            log.warning("single sign-on: %s", exc)
            refused_log(request, Refused("provider unavailable"))
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else "-"
            refused_log(request, Refused(f"provider refused the code ({status})"))
        except requests.RequestException:
            refused_log(request, Refused("provider unreachable"))
        except SuspiciousOperation as exc:
            refused_log(request, Refused(f"token refused: {exc}"))
        return None

    # The token: signature, issuer, audience, times, nonce.

    def _keys(self, token: str) -> _Keys:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise Refused("token refused: not a JWT") from exc
        algorithm = self.OIDC_RP_SIGN_ALGO
        if header.get("alg") != algorithm:
            raise Refused(f"token refused: signed with {header.get('alg')}, not {algorithm}")
        if algorithm.startswith("HS"):
            return _Keys(algorithm, self.OIDC_RP_CLIENT_SECRET)
        return _Keys(algorithm, self.retrieve_matching_jwk(token))

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The ID token (with `nonce`), or a signed userinfo answer, as verified claims."""
        if not isinstance(token, str) or not token:
            raise Refused("token refused: none in the provider's answer")
        id_token = "nonce" in kwargs
        keys = self._keys(token)
        issuer = discovery()["issuer"]
        required = ["iss", "aud", "exp", "iat", "sub"] if id_token else ["iss", "sub"]
        try:
            claims = jwt.decode(
                token,
                keys.key,
                algorithms=[keys.algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=issuer,
                leeway=settings.KAA_OIDC_LEEWAY,
                options={"require": required},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Refused("token expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise Refused("token for another audience") from exc
        except jwt.InvalidIssuerError as exc:
            raise Refused("token from another issuer") from exc
        except jwt.InvalidTokenError as exc:
            raise Refused(f"token refused: {exc}") from exc
        audiences = claims.get("aud")
        if (
            isinstance(audiences, list)
            and len(audiences) > 1
            and claims.get("azp") != self.OIDC_RP_CLIENT_ID
        ):
            raise Refused("token for another authorised party")
        if id_token and not constant_time_compare(
            str(claims.get("nonce", "")), str(kwargs["nonce"] or "-")
        ):
            raise Refused("token refused: nonce")
        return claims

    def store_tokens(self, access_token: str, id_token: str) -> None:
        # Kept in the session only once the person is logged in (Callback.login_success), as
        # the hint for logging out at the provider; the access token is not kept.
        setattr(self.request, _ID_TOKEN, id_token)

    # The person: an account of KAA's, or (with a role map) a new one waiting for its role.

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User:
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                raise Refused("userinfo is about another subject")
            # What the ID token says about the authentication stays the ID token's.
            claims.update(
                {
                    k: v
                    for k, v in userinfo.items()
                    if k
                    not in ("iss", "aud", "exp", "iat", "nonce", "amr", "acr", "azp", "auth_time")
                }
            )
        user = account_for(self.request, claims)
        mfa = mfa_by_provider(payload)
        setattr(self.request, _MFA, mfa)
        setattr(
            self.request,
            login_guard.SSO_LOGIN_DETAIL,
            f"{VIA}; second factor by the provider ({mfa})" if mfa else VIA,
        )
        return user


def _claimed(claims: dict[str, Any]) -> str:
    value = claims.get(settings.KAA_OIDC_MATCH_CLAIM)
    if not isinstance(value, str) or not value.strip():
        raise Refused(
            f"no {settings.KAA_OIDC_MATCH_CLAIM} claim", username=str(claims.get("sub", ""))[:150]
        )
    if settings.KAA_OIDC_MATCH_CLAIM == "email" and claims.get("email_verified") is False:
        raise Refused("e-mail address not verified by the provider", username=value)
    return value.strip()


def account_for(request: HttpRequest, claims: dict[str, Any]) -> User:
    """The one active account the provider's claims name (or Refused)."""
    from axes.handlers.proxy import AxesProxyHandler

    value = _claimed(claims)
    field = settings.KAA_OIDC_MATCH_FIELD
    matches = list(User.objects.filter(**{f"{field}__iexact": value})[:2])
    if len(matches) > 1:
        raise Refused(f"several accounts have this {field}", username=value)
    if not matches:
        return _account_create(request, claims, value)
    user = matches[0]
    if not user.is_active:
        raise Refused("account disabled", username=user.username, account=user)
    if AxesProxyHandler.is_locked(request, {"username": user.get_username()}):
        raise Refused(
            "account locked out after failed logins", username=user.username, account=user
        )
    return user


def _role_asked(claims: dict[str, Any]) -> tuple[str, str, str] | None:
    """The first entry of KAA_OIDC_ROLE_MAP whose value the role claim holds."""
    held = claims.get(settings.KAA_OIDC_ROLE_CLAIM) or []
    held = {held} if isinstance(held, str) else {str(v) for v in held}
    return next((entry for entry in settings.KAA_OIDC_ROLE_MAP if entry[0] in held), None)


def _account_create(request: HttpRequest, claims: dict[str, Any], value: str) -> User:
    from kaa.accounts import role_grant_request

    entry = _role_asked(claims)
    if entry is None:
        raise Refused("no account", username=value, unknown=True)
    claim_value, role, code = entry
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None:
        raise Refused(f"role map names municipality {code}, which is not set up", username=value)
    email = value if settings.KAA_OIDC_MATCH_FIELD == "email" else str(claims.get("email", ""))
    username = (
        value
        if settings.KAA_OIDC_MATCH_FIELD == "username"
        else (str(claims.get("preferred_username") or email))
    )
    username = username.strip().lower()[:150]
    if User.objects.filter(username__iexact=username).exists():
        raise Refused("no account, and its username is taken", username=value)
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            role=Role.NONE,
            municipality=municipality,
            first_name=str(claims.get("given_name", ""))[:150],
            last_name=str(claims.get("family_name", ""))[:150],
        )
        user.set_unusable_password()
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise Refused(
                "no account, and none can be made from the claims", username=value
            ) from exc
        user.save()
        audit_event(
            request=request,
            user=None,
            action=AuditEvent.Action.CREATE,
            obj=user,
            object_type="kaa.user",
            flagged=True,
            detail=f"account created at its first {VIA}",
        )
        role_grant_request(
            user=user,
            role=role,
            actor=None,
            request=request,
            via=VIA,
            reason=f"{VIA}: {settings.KAA_OIDC_ROLE_CLAIM} {claim_value}",
        )
    setattr(request, _PENDING, True)
    return user


# --- Views ----------------------------------------------------------------------------------


def _provider_down(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.warning("single sign-on: %s", exc)
    messages.error(
        request,
        _(
            "%(idp)s svarar inte just nu. Försök igen om en stund, eller "
            "logga in med användarnamn och lösenord."
        )
        % {"idp": settings.KAA_OIDC_NAME},
    )
    return redirect("kaa:login")


class LoginStart(OIDCAuthenticationRequestView):
    """ "Logga in med ...": off to the provider with a new state, nonce and PKCE challenge."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the endpoints are read from the provider per login

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery()["authorization_endpoint"]
        except ProviderUnavailable as exc:
            return _provider_down(request, exc)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        return {"acr_values": settings.KAA_OIDC_ACR_VALUES} if settings.KAA_OIDC_ACR_VALUES else {}


class Callback(OIDCAuthenticationCallbackView):
    """The provider's answer: log the person in, or say why not (and log it)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        setattr(request, login_guard.SSO_CALLBACK, True)
        if "error" in request.GET and request.GET.get("state") not in (
            request.session.get("oidc_states") or {}
        ):
            # An error for no login of this browser's: the library would log the session
            # out, and a link from anywhere must not log anybody out.
            return self.login_failure()
        try:
            return super().get(request)
        except SuspiciousOperation:
            # The library found no such state in this session: spent (a replayed answer)
            # or never handed out here.
            refused_log(request, Refused("state unknown or already used"))
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        request = self.request
        if getattr(request, _REFUSED, None) is None:
            # The provider's error code (RFC 6749: a few lower-case words), as sent.
            error = re.sub(r"[^a-z_]", "", request.GET.get("error", ""))[:40]
            reason = (
                f"provider answered {error}"
                if "error" in request.GET
                else "state unknown (no login under way in this browser)"
            )
            refused_log(request, Refused(reason))
        refused = getattr(request, _REFUSED)
        if refused.unknown:
            messages.error(
                request,
                _(
                    "Det finns inget konto i KAA för den du loggade in som "
                    "hos %(idp)s. Be kommunens administratör för KAA att "
                    "lägga upp dig."
                )
                % {"idp": settings.KAA_OIDC_NAME},
            )
        else:
            messages.error(
                request,
                _(
                    "Inloggningen med %(idp)s gick inte igenom. Försök igen, "
                    "och kontakta kommunens IT-stöd om det upprepas."
                )
                % {"idp": settings.KAA_OIDC_NAME},
            )
        return HttpResponseRedirect(reverse("kaa:login"))

    def login_success(self) -> HttpResponse:
        request = self.request
        response = super().login_success()
        request.session[SESSION_OIDC_ID_TOKEN] = getattr(request, _ID_TOKEN, "")
        if getattr(request, _MFA, ""):
            request.session[SESSION_IDP_MFA] = self.user.pk
        if getattr(request, _PENDING, False):
            messages.info(
                request,
                _(
                    "Ditt konto i KAA är skapat. Du får din behörighet när en "
                    "samordnare eller administratör har godkänt den."
                ),
            )
        return response


def end_session_url(request: HttpRequest) -> str:
    """Where to send the browser so that the provider's session ends too ("" if this session
    did not log in through the provider, or the provider offers no such endpoint)."""
    id_token = request.session.get(SESSION_OIDC_ID_TOKEN)
    if not enabled() or not id_token:
        return ""
    try:
        endpoint = discovery().get("end_session_endpoint", "")
    except ProviderUnavailable as exc:
        log.warning("single sign-on logout: %s", exc)
        return ""
    if not endpoint or urlsplit(endpoint).scheme not in ("https", "http"):
        return ""
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("kaa:login")),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
