"""Single sign-on end to end against a real OpenID Connect provider on loopback (the npm
package oidc-provider, tests/oidc/provider.js, run with the machine's Node): a real HTTP client
follows every redirect between KAA's live server and the provider, and one login goes through
Chromium. The provider's answer is refused for another audience, an expired token, a replayed
state and a person KAA does not know; its second factor (amr/acr) replaces KAA's code, its
absence does not; logging out ends the provider's session too."""

from __future__ import annotations

import copy
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaa import login_guard, sso
from kaa.lib import ratelimit
from kaa.models import AuditEvent, Role, RoleGrant, User
from tests.factories import UserFactory

OIDC_DIR = Path(__file__).resolve().parents[1] / "oidc"
SECRET = "kaa-test-secret-" + "0123456789abcdef" * 2
IDP_NAME = "Testkommunens inloggning"
PASSWORD = "ett-langt-testlosenord-123"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    """The provider, on a free port of 127.0.0.1, for this test process's live server."""
    node = os.environ.get("KAA_NODE") or shutil.which("node") or "/usr/bin/node"
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("tests/oidc/node_modules is missing: scripts/test installs it (npm ci)")
    log = (OIDC_DIR / f"provider-{os.getpid()}.log").open("w")
    process = subprocess.Popen(  # noqa: S603  # the machine's node and our own script
        [node, "provider.js"],
        cwd=OIDC_DIR,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={
            **os.environ,
            "KAA_RP_URL": live_server.url,
            "KAA_CLIENT_SECRET": SECRET,
            "PORT": "0",
        },
    )
    try:
        line, deadline = "", time.monotonic() + 30
        while not line.startswith("{") and time.monotonic() < deadline:
            ready, _, _ = select.select([process.stdout], [], [], 1)
            if ready:
                line = process.stdout.readline()
            if process.poll() is not None and not line.startswith("{"):
                break
        if not line.startswith("{"):
            pytest.fail(f"the OpenID provider did not start: {Path(log.name).read_text()}")
        yield json.loads(line)["issuer"]
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        Path(log.name).unlink(missing_ok=True)


@pytest.fixture
def idp(settings, oidc_provider):
    """Single sign-on on, against the provider; the client "kaa"."""
    settings.KAA_OIDC_ISSUER = oidc_provider
    settings.KAA_OIDC_DISCOVERY_URL = f"{oidc_provider}/.well-known/openid-configuration"
    settings.KAA_OIDC_NAME = IDP_NAME
    settings.OIDC_RP_CLIENT_ID = "kaa"
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(oidc_provider)
    settings.CONTENT_SECURITY_POLICY = policy
    sso.discovery_forget()
    yield oidc_provider
    sso.discovery_forget()


@pytest.fixture
def sara(municipality):
    """A coordinator (a role that needs the second factor) with an authenticator."""
    user = UserFactory(
        username="sara",
        email="sara@askersund.se",
        role=Role.COORDINATOR,
        municipality=municipality,
    )
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


class Browser:
    """A real HTTP client with its own cookies, following every redirect."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(urljoin(self.base, path), timeout=30, **kwargs)

    def post_form(
        self, response: requests.Response, data: dict, action: str | None = None
    ) -> requests.Response:
        """Submit a form of `response`'s page with its hidden fields (CSRF tokens): the one
        posting to `action`, else the page's own form (not the menu's logout or language)."""
        page = BeautifulSoup(response.text, "html.parser")
        forms = page.find_all("form")
        if action is None:
            form = next(
                f for f in forms if f.get("action") not in ("/konto/logga-ut/", "/i18n/setlang/")
            )
        else:
            form = next(f for f in forms if f.get("action") == action)
        fields = {
            field["name"]: field.get("value", "")
            for field in form.find_all("input", type="hidden")
            if field.get("name")
        }
        target = urljoin(response.url, form.get("action") or response.url)
        return self.http.post(target, data={**fields, **data}, timeout=30)

    def sso(
        self, email: str, *, mfa: bool = False, groups: str = "", path: str = "/konto/sso/"
    ) -> requests.Response:
        """ "Logga in med ...", then the provider's sign-in form."""
        at_provider = self.get(path)
        assert "Sign in to the test provider" in at_provider.text, at_provider.text[:500]
        data = {"email": email, "password": "test-password", "groups": groups}
        if mfa:
            data["mfa"] = "1"
        return self.post_form(at_provider, data)

    def logged_in(self) -> bool:
        home = self.get("/", allow_redirects=False)
        return home.status_code == 200


def _path(response: requests.Response) -> str:
    parts = urlsplit(response.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _failed(detail: str) -> AuditEvent:
    return AuditEvent.objects.get(
        action=AuditEvent.Action.LOGIN_FAILED, detail=f"single sign-on: {detail}"
    )


# --- Off by default --------------------------------------------------------------------------


def test_single_sign_on_is_off_unless_configured(client, settings):
    assert settings.KAA_OIDC_ISSUER == ""
    assert client.get("/konto/sso/").status_code == 404
    assert client.get("/konto/sso/svar/?code=x&state=y").status_code == 404
    assert "Logga in med" not in client.get("/konto/logga-in/").content.decode()


# --- A full login ----------------------------------------------------------------------------


def test_a_login_through_the_provider_with_its_second_factor_needs_no_code(idp, live_server, sara):
    assert sara.last_login is None
    browser = Browser(live_server.url)
    page = browser.get("/konto/logga-in/?next=/loggkontroll/")
    assert f"Logga in med {IDP_NAME}" in page.text
    assert "/konto/sso/?next=/loggkontroll/" in page.text

    landed = browser.sso("Sara@Askersund.se", mfa=True, path="/konto/sso/?next=/loggkontroll/")

    # Straight to the page asked for: the provider's "mfa" stands for KAA's own code.
    assert _path(landed) == "/loggkontroll/"
    assert landed.status_code == 200
    assert "Loggkontroll" in landed.text
    login = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN, user=sara)
    assert login.detail == "single sign-on; second factor by the provider (amr mfa)"
    assert browser.get("/system/", allow_redirects=False).status_code == 302  # no admin role
    # The provider authenticated; the role and the municipality are KAA's.
    sara.refresh_from_db()
    assert sara.role == Role.COORDINATOR
    assert not AccessAttempt.objects.exists()
    # A login by single sign-on counts as using the account (it is never disabled as unused).
    assert sara.last_login is not None


def test_without_the_providers_second_factor_kaa_asks_for_its_code(idp, live_server, sara):
    browser = Browser(live_server.url)
    landed = browser.sso("sara@askersund.se", mfa=False)
    assert _path(landed) == "/konto/tvafaktor/?next=%2F"
    assert browser.get("/loggkontroll/", allow_redirects=False).status_code == 302
    done = browser.post_form(landed, {"token": _code(sara.totpdevice_set.get())})
    assert _path(done) == "/"
    assert browser.get("/loggkontroll/", allow_redirects=False).status_code == 200
    assert (
        AuditEvent.objects.get(action=AuditEvent.Action.LOGIN, user=sara).detail
        == "single sign-on"
    )


def test_an_account_without_authenticator_is_sent_to_enrol_one(idp, live_server, coordinator):
    coordinator.email = "sara@askersund.se"
    coordinator.save()
    landed = Browser(live_server.url).sso("sara@askersund.se")
    assert _path(landed).startswith("/konto/tvafaktor/aktivera/")


def test_the_providers_acr_can_stand_for_the_second_factor(idp, live_server, sara, settings):
    settings.KAA_OIDC_MFA_AMR = []
    settings.KAA_OIDC_MFA_ACR = ["urn:kaa:test:mfa"]
    landed = Browser(live_server.url).sso("sara@askersund.se", mfa=True)
    assert _path(landed) == "/"
    assert (
        AuditEvent.objects.get(action=AuditEvent.Action.LOGIN, user=sara).detail
        == "single sign-on; second factor by the provider (acr urn:kaa:test:mfa)"
    )
    # Neither list names what this provider says: its "mfa" then counts for nothing.
    settings.KAA_OIDC_MFA_ACR = []
    again = Browser(live_server.url).sso("sara@askersund.se", mfa=True)
    assert _path(again).startswith("/konto/tvafaktor/")


def test_a_password_login_never_counts_a_second_factor_left_by_a_single_sign_on(
    idp, live_server, sara
):
    sara.set_password(PASSWORD)
    sara.save()
    browser = Browser(live_server.url)
    browser.sso("sara@askersund.se", mfa=True)
    # The same browser, the session expired meanwhile: then a login with the password.
    session = browser.http.cookies.get("sessionid")
    from django.contrib.sessions.backends.db import SessionStore

    from kaa.middleware import SESSION_AUTH_AT

    store = SessionStore(session_key=session)
    store[SESSION_AUTH_AT] = 0
    store.save()
    expired = browser.get("/")
    assert _path(expired).startswith("/konto/logga-in/")
    landed = browser.post_form(expired, {"username": "sara", "password": PASSWORD})
    assert _path(landed).startswith("/konto/tvafaktor/")


# --- Refused answers -------------------------------------------------------------------------


def test_a_person_kaa_does_not_know_is_refused_and_logged(idp, live_server, sara):
    browser = Browser(live_server.url)
    landed = browser.sso("nobody@askersund.se", mfa=True)
    assert _path(landed) == "/konto/logga-in/"
    assert "Det finns inget konto i KAA" in landed.text
    assert not browser.logged_in()
    event = _failed("no account")
    assert event.username == "nobody@askersund.se"
    assert event.user is None
    assert User.objects.count() == 1  # nobody was created
    # No password was tried: neither the lockout nor the address limit counts it.
    assert not AccessAttempt.objects.exists()
    assert ratelimit.current(login_guard._limit(), "127.0.0.1")[0] == 0


def test_a_token_for_another_audience_is_refused(idp, live_server, sara, settings):
    settings.OIDC_RP_CLIENT_ID = "kaa-wrong-audience"
    browser = Browser(live_server.url)
    landed = browser.sso("sara@askersund.se", mfa=True)
    assert _path(landed) == "/konto/logga-in/"
    assert "Inloggningen med Testkommunens inloggning gick inte igenom" in landed.text
    assert not browser.logged_in()
    assert _failed("token for another audience")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()


def test_an_expired_token_is_refused(idp, live_server, sara, settings):
    settings.OIDC_RP_CLIENT_ID = "kaa-expired"
    browser = Browser(live_server.url)
    landed = browser.sso("sara@askersund.se", mfa=True)
    assert _path(landed) == "/konto/logga-in/"
    assert not browser.logged_in()
    assert _failed("token expired")


def test_a_replayed_answer_is_refused(idp, live_server, sara):
    browser = Browser(live_server.url)
    landed = browser.sso("sara@askersund.se", mfa=True)
    assert _path(landed) == "/"
    answer = next(
        r.headers["Location"]
        for r in landed.history
        if "/konto/sso/svar/" in r.headers.get("Location", "")
    )
    assert "state=" in answer
    assert "code=" in answer
    # Someone else's browser, with the answer (its code and state) taken from this one.
    thief = Browser(live_server.url)
    replayed = thief.get(answer)
    assert _path(replayed) == "/konto/logga-in/"
    assert not thief.logged_in()
    assert _failed("state unknown (no login under way in this browser)")
    # The thief starts a login of their own first: the stolen state is still not theirs.
    thief.get("/konto/sso/")
    assert _path(thief.get(answer)) == "/konto/logga-in/"
    assert not thief.logged_in()
    # And in the browser it was meant for, the state was spent by its first use.
    browser.get(answer)
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.LOGIN_FAILED,
            detail="single sign-on: state unknown or already used",
        ).count()
        == 2
    )
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).count() == 1


def test_an_error_answer_for_no_login_under_way_logs_nobody_out(idp, live_server, sara):
    browser = Browser(live_server.url)
    browser.sso("sara@askersund.se", mfa=True)
    # A link from anywhere, shaped as the provider's error answer.
    answer = browser.get("/konto/sso/svar/?error=access_denied&state=made-up")
    assert answer.history[0].headers["Location"] == "/konto/logga-in/"
    assert _path(answer) == "/"  # the login page sends whoever is logged in home
    assert browser.logged_in()
    assert _failed("provider answered access_denied")
    # Nor does it make the logout forget the provider's session.
    at_provider = browser.post_form(browser.get("/"), {}, action="/konto/logga-ut/")
    assert urlsplit(at_provider.url).netloc == urlsplit(idp).netloc


def test_a_disabled_or_locked_out_account_is_refused(idp, live_server, sara, settings):
    sara.is_active = False
    sara.save()
    assert not Browser(live_server.url).logged_in()
    Browser(live_server.url).sso("sara@askersund.se", mfa=True)
    assert _failed("account disabled").user is None
    assert _failed("account disabled").municipality == sara.municipality
    sara.is_active = True
    sara.save()
    # Failed password logins lock the account (django-axes): the provider's login too.
    guesser = Browser(live_server.url)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        guesser.post_form(
            guesser.get("/konto/logga-in/"), {"username": "sara", "password": "wrong"}
        )
    assert AccessAttempt.objects.filter(username="sara").exists()
    browser = Browser(live_server.url)
    browser.sso("sara@askersund.se", mfa=True)
    assert not browser.logged_in()
    assert _failed("account locked out after failed logins")


# --- Accounts from the provider --------------------------------------------------------------


def test_with_a_role_map_a_new_person_gets_an_account_whose_role_waits_for_confirmation(
    idp, live_server, sara, settings
):
    settings.OIDC_RP_SCOPES = "openid email profile groups"  # this provider's scope for it
    settings.KAA_OIDC_ROLE_CLAIM = "groups"
    settings.KAA_OIDC_ROLE_MAP = [("kaa-coach", "coach", "1882")]
    browser = Browser(live_server.url)
    landed = browser.sso("ny.coach@askersund.se", groups="personal,kaa-coach")
    assert _path(landed) == "/"
    assert "Ditt konto i KAA är skapat" in landed.text
    account = User.objects.get(email="ny.coach@askersund.se")
    assert account.role == Role.NONE  # nothing until a second person confirms
    assert account.municipality == sara.municipality
    assert not account.has_usable_password()
    grant = RoleGrant.objects.get(user=account)
    assert (grant.role, grant.status) == ("coach", RoleGrant.Status.PENDING)
    assert grant.requested_by is None
    assert AuditEvent.objects.filter(
        detail="role grant requested: coach (single sign-on)", flagged=True
    ).exists()
    # The coordinator confirms it on Personal och behörigheter, as any other.
    from kaa.accounts import role_grant_decide

    role_grant_decide(grant=grant, confirm=True, actor=sara)
    account.refresh_from_db()
    assert account.role == Role.COACH
    # The next login finds the account: no second one, no second request.
    Browser(live_server.url).sso("ny.coach@askersund.se", groups="kaa-coach")
    assert User.objects.filter(email="ny.coach@askersund.se").count() == 1
    assert RoleGrant.objects.filter(user=account).count() == 1
    # A value the map does not name creates nobody.
    refused = Browser(live_server.url).sso("annan@askersund.se", groups="personal")
    assert "Det finns inget konto i KAA" in refused.text
    assert not User.objects.filter(email="annan@askersund.se").exists()


def test_the_account_can_be_matched_by_another_claim(idp, live_server, sara, settings):
    settings.KAA_OIDC_MATCH_CLAIM = "sub"
    settings.KAA_OIDC_MATCH_FIELD = "username"
    sara.username = "sara@askersund.se"  # the provider's subject identifier
    sara.email = "annan.adress@askersund.se"
    sara.save()
    landed = Browser(live_server.url).sso("sara@askersund.se", mfa=True)
    assert _path(landed) == "/"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, user=sara).exists()


# --- Logout ----------------------------------------------------------------------------------


def test_logging_out_ends_the_providers_session_too(idp, live_server, sara):
    browser = Browser(live_server.url)
    home = browser.sso("sara@askersund.se", mfa=True)
    assert _path(home) == "/"
    # While the provider's session lasts, a new login there asks nothing (single sign-on).
    other_tab = browser.get("/konto/sso/")
    assert _path(other_tab) == "/"

    at_provider = browser.post_form(home, {}, action="/konto/logga-ut/")
    assert urlsplit(at_provider.url).netloc == urlsplit(idp).netloc
    assert "Sign out of the test provider too?" in at_provider.text
    assert not browser.logged_in()  # KAA's session ended first
    back = browser.post_form(at_provider, {"logout": "yes"})
    assert _path(back) == "/konto/logga-in/"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT, user=sara).exists()

    # The provider's session has ended: it asks who is signing in again.
    again = browser.get("/konto/sso/")
    assert "Sign in to the test provider" in again.text


def test_a_password_session_logs_out_at_kaa_only(idp, live_server, sara, client_for):
    client = client_for(sara)
    response = client.post("/konto/logga-ut/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/logga-in/"
