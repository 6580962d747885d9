"""Login in Swedish, lockout, second factor, session timeouts, password rules."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaa.middleware import SESSION_AUTH_AT, SESSION_DRAFT, SESSION_LAST_SEEN
from kaa.models import AuditEvent

PASSWORD = "ett-langt-testlosenord-123"
LOGIN = "/konto/logga-in/"


def _login(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def _totp_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_the_login_page_is_swedish_and_labelled(client, db):
    body = client.get(LOGIN).content.decode()
    assert '<html lang="sv">' in body
    assert "Logga in i KAA" in body
    assert re.search(r'<label\s+for="id_username"', body)
    assert re.search(r'<label\s+for="id_password"', body)
    assert "Användarnamn" in body
    assert "Lösenord" in body


def test_a_wrong_password_gives_the_same_swedish_message_as_an_unknown_user(client, coach):
    wrong = _login(client, "omar", "fel-losenord-helt").content.decode()
    unknown = _login(client, "finns-inte", "fel-losenord-helt").content.decode()
    message = "Ange ett korrekt användarnamn och lösenord"
    assert message in wrong
    assert message in unknown
    # The username typed is kept, the password is not echoed back.
    assert 'value="omar"' in wrong
    assert "fel-losenord-helt" not in wrong
    assert AuditEvent.objects.filter(action="login_failed", username="omar").count() == 1


def test_a_coach_logs_in_and_lands_on_the_start_page(client, coach):
    response = _login(client, "omar")
    assert response.status_code == 302
    assert response["Location"] == "/"
    body = client.get("/").content.decode()
    assert "Välkommen" in body
    assert "Ungdomscoach" in body
    assert AuditEvent.objects.filter(action="login", user=coach).count() == 1


def test_the_session_id_changes_at_login(client, coach):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    _login(client, "omar")
    assert client.session.session_key != before


def test_logout_needs_post_and_ends_the_session(client, coach):
    _login(client, "omar")
    old_cookie = client.cookies["sessionid"].value
    assert client.get(reverse("kaa:logout")).status_code == 405
    client.post(reverse("kaa:logout"))
    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    response = replay.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_repeated_failures_lock_the_account_with_a_clear_message(client, coach, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "omar", "fel-losenord-helt")
    response = _login(client, "omar")  # even the right password is refused now
    assert response.status_code == 429
    body = response.content.decode()
    assert "Kontot är tillfälligt spärrat" in body
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="locked_out").exists()


@pytest.mark.parametrize(
    "password", ["Password1", "kaa2026", "Askersund-2026-vinterljus", "mitt-kaa-konto-2026"]
)
def test_weak_or_contextual_passwords_are_rejected(municipality, password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "glada hästar springer över gröna ängar i maj medan regnet faller tyst över taken",
        "rodbetor-och-potatis-pa-fredag",
    ],
)
def test_long_passphrases_without_digits_are_accepted(municipality, password):
    validate_password(password)


class TestSecondFactor:
    def test_a_coordinator_must_set_up_totp_before_anything_else(self, client, coordinator):
        _login(client, "sara")
        response = client.get("/loggkontroll/")
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/tvafaktor/aktivera/")
        setup = client.get(response["Location"]).content.decode()
        assert "Aktivera tvåfaktorinloggning" in setup
        # The password alone shows no secret to scan: the app is enrolled through a link.
        assert "<svg" not in setup
        assert "engångslänk" in setup
        assert not TOTPDevice.objects.filter(user=coordinator).exists()

    def test_enrolment_with_a_correct_code_opens_the_app(self, client, coordinator):
        from kaa.accounts import account_link_issue

        token = account_link_issue(user=coordinator, purpose="invite", actor=None)
        client.get(f"/konto/lank/{token}/")
        setup = client.get("/konto/lank/").content.decode()
        assert "<svg" in setup
        device = TOTPDevice.objects.get(user=coordinator)
        response = client.post(
            "/konto/lank/",
            {
                "new_password1": "rodbetor-och-potatis-pa-fredag",
                "new_password2": "rodbetor-och-potatis-pa-fredag",
                "token": _totp_now(device),
            },
        )
        assert response["Location"] == "/"
        assert client.get("/loggkontroll/").status_code == 200
        device.refresh_from_db()
        assert device.confirmed
        assert AuditEvent.objects.filter(action="otp_enrolled", user=coordinator).exists()

    def test_a_wrong_code_is_refused_in_swedish_and_logged(self, client, coordinator):
        TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
        _login(client, "sara")
        response = client.post("/konto/tvafaktor/", {"token": "000000"})
        assert "Koden stämmer inte" in response.content.decode()
        assert client.get("/").status_code == 302
        assert AuditEvent.objects.filter(action="otp_failed", user=coordinator).exists()

    def test_a_code_cannot_be_used_twice(self, client, coordinator):
        device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
        token = _totp_now(device)
        _login(client, "sara")
        assert client.post("/konto/tvafaktor/", {"token": token}).status_code == 302
        second = Client()
        _login(second, "sara")
        response = second.post("/konto/tvafaktor/", {"token": token})
        assert "Koden stämmer inte" in response.content.decode()

    def test_the_next_parameter_cannot_redirect_off_site(self, client, coordinator):
        device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
        _login(client, "sara")
        response = client.post(
            "/konto/tvafaktor/?next=https://evil.example/", {"token": _totp_now(device)}
        )
        assert response["Location"] == "/"

    def test_coaches_are_not_asked_when_the_setting_leaves_them_out(self, client, coach):
        _login(client, "omar")
        assert client.get("/").status_code == 200

    @override_settings(KAA_OTP_REQUIRED_ROLES=["coordinator", "admin", "coach"])
    def test_the_setting_can_require_it_for_coaches_too(self, client, coach):
        _login(client, "omar")
        assert client.get("/").status_code == 302


class TestSessionTimeout:
    def _age(self, client, *, idle: int = 0, since_login: int = 0):
        session = client.session
        now = int(time.time())
        session[SESSION_LAST_SEEN] = now - idle
        session[SESSION_AUTH_AT] = now - since_login
        session.save()

    def test_an_idle_session_expires_with_a_swedish_message(self, client, coach, settings):
        _login(client, "omar")
        self._age(client, idle=settings.KAA_SESSION_IDLE_MINUTES * 60 + 1)
        response = client.get("/", follow=True)
        body = response.content.decode()
        assert "Du har loggats ut efter 30 minuter utan aktivitet" in body
        assert "_auth_user_id" not in client.session
        assert AuditEvent.objects.filter(action="session_expired", detail="idle").exists()

    def test_an_active_session_stays(self, client, coach, settings):
        _login(client, "omar")
        self._age(client, idle=settings.KAA_SESSION_IDLE_MINUTES * 60 - 60)
        assert client.get("/").status_code == 200

    def test_the_absolute_limit_ends_even_an_active_session(self, client, coach, settings):
        _login(client, "omar")
        self._age(client, since_login=settings.KAA_SESSION_ABSOLUTE_HOURS * 3600 + 1)
        response = client.get("/", follow=True)
        assert "Du har varit inloggad i 12 timmar" in response.content.decode()

    def test_a_form_posted_after_expiry_is_kept_for_after_login(self, client, coach, settings):
        _login(client, "omar")
        self._age(client, idle=settings.KAA_SESSION_IDLE_MINUTES * 60 + 1)
        response = client.post("/ungdomar/exempel/", {"note": "Ringde, inget svar", "x": "1"})
        assert response.status_code == 302
        assert "next=%2Fungdomar%2Fexempel%2F" in response["Location"]
        draft = client.session[SESSION_DRAFT]
        assert draft["path"] == "/ungdomar/exempel/"
        assert draft["data"]["note"] == ["Ringde, inget svar"]
        # Logging in again keeps the draft in the session for the form to offer back.
        _login(client, "omar")
        assert client.session[SESSION_DRAFT]["data"]["note"] == ["Ringde, inget svar"]

    def test_a_note_posted_after_expiry_comes_back_on_the_youth_s_page(
        self, client, coach, settings
    ):
        import json

        from tests.factories import youth_make
        from youth.models import Note

        youth = youth_make(municipality=coach.municipality, coach=coach)
        page = reverse("youth:detail", args=[youth.pk])
        _login(client, "omar")
        self._age(client, idle=settings.KAA_SESSION_IDLE_MINUTES * 60 + 1)
        # The note form is on the youth's page and posts to an address of its own (POST only).
        response = client.post(
            reverse("youth:note_add", args=[youth.pk]),
            {"text": "Ringde mamma, <ring igen> fredag"},
            headers={"Referer": f"http://testserver{page}"},
        )
        assert f"next={page.replace('/', '%2F')}" in response["Location"]
        response = _login(client, "omar", next=page)
        assert response["Location"] == page
        body = client.get(page).content.decode()
        assert "Det du skrev innan du loggades ut är ifyllt igen" in body
        data = json.loads(
            re.search(
                r'<script id="kaa-draft" type="application/json">(.*?)'
                r"</script>",
                body,
                re.S,
            ).group(1)
        )
        assert data == {
            "action": reverse("youth:note_add", args=[youth.pk]),
            "data": {"text": ["Ringde mamma, <ring igen> fredag"]},
        }
        assert "<ring igen>" not in body  # the text is data, never markup
        assert not Note.objects.filter(youth=youth).exists()  # nothing saved unseen
        # Offered once.
        assert "kaa-draft" not in client.get(page).content.decode()

    def test_a_draft_is_offered_only_to_the_user_who_typed_it(
        self, client, coach, colleague, settings
    ):
        from tests.factories import youth_make

        youth = youth_make(municipality=coach.municipality, coach=coach)
        page = reverse("youth:detail", args=[youth.pk])
        _login(client, "omar")
        self._age(client, idle=settings.KAA_SESSION_IDLE_MINUTES * 60 + 1)
        client.post(
            reverse("youth:note_add", args=[youth.pk]),
            {"text": "Hemligt"},
            headers={"Referer": f"http://testserver{page}"},
        )
        _login(client, colleague.username)
        assert "Hemligt" not in client.get(page).content.decode()

    def test_htmx_requests_get_a_redirect_header_instead(self, client, coach, settings):
        _login(client, "omar")
        self._age(client, idle=settings.KAA_SESSION_IDLE_MINUTES * 60 + 1)
        response = client.get("/", headers={"HX-Request": "true"})
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith(LOGIN)

    def test_deactivating_a_user_ends_their_access_at_once(self, client, coach):
        _login(client, "omar")
        coach.is_active = False
        coach.save()
        response = client.get("/")
        assert response.status_code == 302


def test_a_draft_is_never_shown_to_another_user(client, coach, colleague, settings):
    from kaa.drafts import pop_draft

    _login(client, "omar")
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - settings.KAA_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    client.post("/ungdomar/ny/", {"first_name": "Hemlig", "address": "Skyddad gata 1"})
    assert client.session[SESSION_DRAFT]["user"] == coach.pk
    _login(client, "elin")  # someone else on the same browser
    assert SESSION_DRAFT not in client.session

    class FakeRequest:
        path = "/ungdomar/ny/"
        session = {
            SESSION_DRAFT: {
                "path": "/ungdomar/ny/",
                "data": {"x": ["1"]},
                "user": coach.pk,
                "at": int(time.time()),
            }
        }
        user = colleague

    assert pop_draft(FakeRequest()) is None
    FakeRequest.session[SESSION_DRAFT] = {
        "path": "/ungdomar/ny/",
        "data": {"x": ["1"]},
        "user": coach.pk,
        "at": int(time.time()),
    }
    FakeRequest.user = coach
    assert pop_draft(FakeRequest())["x"] == "1"


def test_a_user_opts_in_to_the_morning_digest(client_for, coach):
    client = client_for(coach)
    assert "sammanfattning" in client.get("/installningar/").content.decode()
    client.post("/installningar/", {"wants_email_digest": "on"})
    coach.refresh_from_db()
    assert coach.wants_email_digest
