"""Staff accounts: an admin can neither read records nor reach another municipality, roles
need a second person, nobody sets another person's password, and the first authenticator is
enrolled only through a one-time link.

Each attack is tried the way an admin (or a thief with a password) would, over HTTP."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.core import mail
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaa.models import AuditEvent, User
from tests.factories import UserFactory, youth_make

PASSWORD = "ett-langt-testlosenord-123"
NEW_PASSWORD = "rodbetor-och-potatis-pa-fredag"
STAFF_LIST = "/system/kaa/user/"
ADD = "/system/kaa/user/add/"
LINK_PAGE = "/konto/lank/"


def _change(user) -> str:
    return f"/system/kaa/user/{user.pk}/change/"


def _values(form) -> dict:
    """What the browser would post for the admin form as shown."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def _post_admin_form(client: Client, url: str, **changes):
    page = client.get(url)
    data = _values(page.context["adminform"].form) if page.status_code == 200 else {}
    data.update(changes)
    return client.post(url, data)


def _totp_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _login(client: Client, username: str, password: str = PASSWORD):
    return client.post("/konto/logga-in/", {"username": username, "password": password})


def _link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/konto/lank/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _new_staff(admin_client: Client, municipality, **fields):
    data = {
        "username": "ny.samordnare",
        "first_name": "Nina",
        "last_name": "Nyberg",
        "email": "nina@example.se",
        "requested_role": "coordinator",
        "role": "coordinator",
        "municipality": municipality.pk if municipality else "",
        # What Django's own user form asked for: an admin-chosen password.
        "usable_password": "true",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(fields)
    return admin_client.post(ADD, data)


# --- /system/: an admin stays in its own municipality and never gives itself a role ----------


def test_an_admin_cannot_blank_its_own_municipality(client_for, admin_user, stranger_coordinator):
    client = client_for(admin_user)
    _post_admin_form(client, _change(admin_user), municipality="")
    admin_user.refresh_from_db()
    assert admin_user.municipality_id is not None
    assert stranger_coordinator.username not in client.get(STAFF_LIST).content.decode()


def test_an_admin_cannot_move_itself_to_another_municipality(
    client_for, admin_user, other_municipality
):
    municipality_id = admin_user.municipality_id
    _post_admin_form(
        client_for(admin_user), _change(admin_user), municipality=other_municipality.pk
    )
    admin_user.refresh_from_db()
    assert admin_user.municipality_id == municipality_id


def test_an_admin_cannot_give_itself_a_role_that_reads_records(client_for, admin_user, coach):
    youth = youth_make(municipality=admin_user.municipality, coach=coach, last_name="Hemligsson")
    client = client_for(admin_user)
    _post_admin_form(client, _change(admin_user), role="coordinator", requested_role="coordinator")
    admin_user.refresh_from_db()
    assert admin_user.role == "admin"
    detail = client.get(f"/ungdomar/{youth.pk}/")
    assert detail.status_code in (403, 404)
    assert "Hemligsson" not in detail.content.decode()
    export = client.get("/ungdomar/export.xlsx")
    assert export.status_code == 403
    assert export.get("Content-Type", "").startswith("text/html")


def test_an_admin_cannot_create_staff_in_another_municipality(
    client_for, admin_user, other_municipality
):
    client = client_for(admin_user)
    # The chain the probe used: blank the own municipality, then add a coordinator elsewhere.
    _post_admin_form(client, _change(admin_user), municipality="")
    _new_staff(client, other_municipality)
    # And straight away, with the other municipality's id in the POST.
    _new_staff(client, other_municipality, username="ny.samordnare2")
    assert not User.objects.filter(municipality=other_municipality).exists()


def test_an_admin_cannot_leave_a_new_account_without_municipality(client_for, admin_user):
    response = _new_staff(client_for(admin_user), None, requested_role="admin", role="admin")
    assert response.status_code == 200
    assert "Detta fält måste fyllas i" in response.content.decode()
    assert not User.objects.filter(username="ny.samordnare").exists()


def test_an_admin_cannot_edit_staff_of_another_municipality_by_url(
    client_for, admin_user, stranger_coordinator
):
    client = client_for(admin_user)
    _post_admin_form(client, _change(admin_user), municipality="")
    response = client.post(
        _change(stranger_coordinator),
        {
            "username": stranger_coordinator.username,
            "email": "angripare@example.se",
            "first_name": "X",
            "last_name": "Y",
            "role": "coordinator",
            "requested_role": "coordinator",
            "municipality": admin_user.municipality_id or "",
            "is_active": "on",
        },
    )
    assert response.status_code in (302, 403, 404)
    stranger_coordinator.refresh_from_db()
    assert stranger_coordinator.email == "fatima@example.se"
    assert stranger_coordinator.municipality.code == "1494"
    assert stranger_coordinator.first_name != "X"


def test_an_admin_never_sets_a_password_in_the_system_administration(
    client_for, admin_user, coach
):
    client = client_for(admin_user)
    client.post(
        f"/system/kaa/user/{coach.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    coach.refresh_from_db()
    assert coach.check_password(PASSWORD)
    assert not coach.check_password(NEW_PASSWORD)
    page = client.get(_change(coach)).content.decode()
    assert "/password/" not in page
    add_page = client.get(ADD).content.decode()
    assert 'name="requested_role"' in add_page
    assert 'type="password"' not in add_page
    # A new account gets no password from the admin either, whatever the POST says.
    _new_staff(client, admin_user.municipality)
    created = User.objects.get(username="ny.samordnare")
    assert not created.has_usable_password()
    attempt = Client()
    _login(attempt, "ny.samordnare", NEW_PASSWORD)
    assert "_auth_user_id" not in attempt.session


# --- A role takes effect only when a second person confirms it -------------------------------


def test_a_role_an_admin_asks_for_opens_nothing_until_a_coordinator_confirms(
    client_for, admin_user, coach, coordinator, other_team_coach
):
    youth = youth_make(
        municipality=coach.municipality, coach=other_team_coach, last_name="Hemligsson"
    )
    _post_admin_form(
        client_for(admin_user), _change(coach), role="coordinator", requested_role="coordinator"
    )
    coach.refresh_from_db()
    assert coach.role == "coach"
    response = client_for(coach).get(f"/ungdomar/{youth.pk}/")
    assert response.status_code == 404
    assert "Hemligsson" not in response.content.decode()

    from kaa.models import RoleGrant

    grant = RoleGrant.objects.get(user=coach, status="pending")
    assert grant.role == "coordinator"
    assert grant.requested_by == admin_user
    asked = AuditEvent.objects.get(object_type="kaa.rolegrant", action="create")
    assert asked.user == admin_user
    assert asked.flagged
    assert asked.municipality_id == coach.municipality_id

    client = client_for(coordinator)
    page = client.get("/personal/").content.decode()
    assert "Väntar på godkännande" in page
    assert coach.username in page
    response = client.post(f"/personal/behorighet/{grant.pk}/", {"decision": "confirm"})
    assert response.status_code == 302
    coach.refresh_from_db()
    assert coach.role == "coordinator"
    grant.refresh_from_db()
    assert grant.status == "confirmed"
    assert grant.decided_by == coordinator
    confirmed = AuditEvent.objects.get(object_type="kaa.rolegrant", action="update")
    assert confirmed.user == coordinator
    assert "confirmed" in confirmed.detail
    assert "Hemligsson" in client_for(coach).get(f"/ungdomar/{youth.pk}/").content.decode()


def test_a_new_account_has_no_role_until_confirmed_and_gets_its_link_by_e_mail(
    client_for, admin_user, coordinator
):
    from kaa.models import RoleGrant

    response = _new_staff(client_for(admin_user), admin_user.municipality)
    assert response.status_code == 302
    created = User.objects.get(username="ny.samordnare")
    assert created.role == "none"
    assert RoleGrant.objects.get(user=created).status == "pending"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina@example.se"]
    link = _link_in(mail.outbox[0])
    # The admin never sees the link: it goes only to the person's own address.
    page = client_for(admin_user).get(response["Location"]).content.decode()
    assert link not in page
    assert link.rsplit("/", 2)[-2] not in page


@pytest.mark.parametrize("role", ["coach", "manager", "admin"])
def test_every_role_that_reads_or_manages_waits_for_confirmation(client_for, admin_user, role):
    member = UserFactory(username="person", role="none", municipality=admin_user.municipality)
    _post_admin_form(client_for(admin_user), _change(member), requested_role=role, role=role)
    member.refresh_from_db()
    assert member.role == "none"


def test_the_admin_who_asked_cannot_confirm_its_own_grant(client_for, admin_user, coach):
    from kaa.models import RoleGrant

    client = client_for(admin_user)
    _post_admin_form(client, _change(coach), requested_role="coordinator", role="coordinator")
    grant = RoleGrant.objects.get(user=coach)
    page = client.get("/personal/").content.decode()
    assert "Du begärde rollen" in page
    response = client.post(f"/personal/behorighet/{grant.pk}/", {"decision": "confirm"})
    assert response.status_code == 403
    grant.refresh_from_db()
    coach.refresh_from_db()
    assert grant.status == "pending"
    assert coach.role == "coach"
    assert AuditEvent.objects.filter(
        action="denied", user=admin_user, flagged=True, object_type="kaa.rolegrant"
    ).exists()


def test_an_account_cannot_confirm_a_role_asked_for_itself(client_for, admin_user, municipality):
    from kaa.models import RoleGrant

    second_admin = UserFactory(username="andra.admin", role="admin", municipality=municipality)
    _post_admin_form(
        client_for(admin_user),
        _change(second_admin),
        requested_role="coordinator",
        role="coordinator",
    )
    grant = RoleGrant.objects.get(user=second_admin)
    response = client_for(second_admin).post(
        f"/personal/behorighet/{grant.pk}/", {"decision": "confirm"}
    )
    assert response.status_code == 403
    second_admin.refresh_from_db()
    assert second_admin.role == "admin"


def test_a_second_admin_confirms_and_a_stranger_cannot_see_the_grant(
    client_for, admin_user, municipality, coach, stranger_coordinator
):
    from kaa.models import RoleGrant

    _post_admin_form(
        client_for(admin_user), _change(coach), requested_role="manager", role="manager"
    )
    grant = RoleGrant.objects.get(user=coach)
    stranger = client_for(stranger_coordinator)
    page = stranger.get("/personal/").content.decode()
    assert f"({coach.username})" not in page
    assert f"<td>{coach.username}</td>" not in page
    assert (
        stranger.post(f"/personal/behorighet/{grant.pk}/", {"decision": "confirm"}).status_code
        == 404
    )
    second_admin = UserFactory(username="andra.admin", role="admin", municipality=municipality)
    response = client_for(second_admin).post(
        f"/personal/behorighet/{grant.pk}/", {"decision": "confirm"}
    )
    assert response.status_code == 302
    coach.refresh_from_db()
    assert coach.role == "manager"


def test_a_rejected_grant_leaves_the_role_and_is_audited(
    client_for, admin_user, coach, coordinator
):
    from kaa.models import RoleGrant

    _post_admin_form(
        client_for(admin_user), _change(coach), requested_role="coordinator", role="coordinator"
    )
    grant = RoleGrant.objects.get(user=coach)
    client_for(coordinator).post(f"/personal/behorighet/{grant.pk}/", {"decision": "reject"})
    grant.refresh_from_db()
    coach.refresh_from_db()
    assert grant.status == "rejected"
    assert coach.role == "coach"
    event = AuditEvent.objects.get(object_type="kaa.rolegrant", action="update")
    assert event.user == coordinator
    assert "rejected" in event.detail
    assert event.flagged
    # Decided once: a second click changes nothing.
    client_for(coordinator).post(f"/personal/behorighet/{grant.pk}/", {"decision": "confirm"})
    coach.refresh_from_db()
    assert coach.role == "coach"


def test_taking_a_role_away_applies_at_once(client_for, admin_user, coach):
    _post_admin_form(client_for(admin_user), _change(coach), requested_role="none", role="none")
    coach.refresh_from_db()
    assert coach.role == "none"
    assert client_for(coach).get("/ungdomar/").status_code == 403


def test_changing_the_e_mail_of_an_account_puts_its_role_up_for_confirmation(
    client_for, admin_user, coordinator
):
    """Else an admin would point a coordinator's address at itself and send a link."""
    _post_admin_form(client_for(admin_user), _change(coordinator), email="admin-sjalv@example.se")
    coordinator.refresh_from_db()
    assert coordinator.role == "none"
    from kaa.models import RoleGrant

    grant = RoleGrant.objects.get(user=coordinator, status="pending")
    assert grant.role == "coordinator"
    assert "email" in grant.reason


def test_changing_the_e_mail_while_a_role_waits_withdraws_the_grant_a_confirmer_sees(
    client_for, admin_user, coordinator
):
    from kaa.models import RoleGrant

    client = client_for(admin_user)
    _new_staff(client, admin_user.municipality)
    created = User.objects.get(username="ny.samordnare")
    first = RoleGrant.objects.get(user=created, status="pending")
    _post_admin_form(client, _change(created), email="admin-sjalv@example.se")
    first.refresh_from_db()
    assert first.status == "withdrawn"
    # The confirmer's page, opened before the change, offers the old grant: it does nothing.
    client_for(coordinator).post(f"/personal/behorighet/{first.pk}/", {"decision": "confirm"})
    created.refresh_from_db()
    assert created.role == "none"
    again = RoleGrant.objects.get(user=created, status="pending")
    assert again.role == "coordinator"
    assert "email" in again.reason


# --- One-time links: choose a password and enrol the authenticator ----------------------------


def test_a_password_alone_cannot_enrol_an_authenticator(client, coordinator):
    """A thief with the password must not add their own phone."""
    _login(client, "sara")
    page = client.get("/konto/tvafaktor/aktivera/")
    for device in TOTPDevice.objects.filter(user=coordinator):
        client.post("/konto/tvafaktor/aktivera/", {"token": _totp_now(device)})
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()
    assert client.get("/loggkontroll/").status_code == 302
    assert "engångslänk" in page.content.decode()


def _issue(user, purpose="invite", actor=None) -> str:
    from kaa.accounts import account_link_issue

    return account_link_issue(user=user, purpose=purpose, actor=actor)


def _open(client: Client, token: str):
    response = client.get(f"/konto/lank/{token}/")
    assert response.status_code == 302, response.status_code
    assert response["Location"] == LINK_PAGE
    return client.get(LINK_PAGE)


def _complete(client: Client, user, password: str = NEW_PASSWORD):
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(
        LINK_PAGE,
        {"new_password1": password, "new_password2": password, "token": _totp_now(device)},
    )


def test_the_invitation_sets_the_password_and_enrols_the_authenticator(client, coordinator):
    token = _issue(coordinator)
    page = _open(client, token).content.decode()
    assert "<svg" in page
    assert "Välj lösenord" in page
    assert "sara" in page
    response = _complete(client, coordinator)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/loggkontroll/").status_code == 200  # logged in with both factors
    coordinator.refresh_from_db()
    assert coordinator.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.get(user=coordinator).confirmed
    assert AuditEvent.objects.filter(
        action="otp_enrolled", user=coordinator, detail__contains="account link"
    ).exists()
    assert AuditEvent.objects.filter(
        action="update", object_type="kaa.accountlink", detail__contains="used"
    ).exists()


def test_a_weak_password_or_a_wrong_code_spends_nothing(client, coordinator):
    token = _issue(coordinator)
    _open(client, token)
    weak = client.post(
        LINK_PAGE, {"new_password1": "Password1", "new_password2": "Password1", "token": "000000"}
    )
    assert weak.status_code == 200
    assert "Formuläret innehåller fel" in weak.content.decode()
    wrong = client.post(
        LINK_PAGE,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "token": "000000"},
    )
    assert "Koden stämmer inte" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="otp_failed", user=coordinator).exists()
    assert not coordinator.__class__.objects.get(pk=coordinator.pk).check_password(NEW_PASSWORD)
    TOTPDevice.objects.get(user=coordinator).throttle_reset()  # a wrong code slows retries
    assert _complete(client, coordinator)["Location"] == "/"


def test_a_used_link_is_refused(client, coordinator):
    token = _issue(coordinator)
    _open(client, token)
    _complete(client, coordinator)
    again = Client().get(f"/konto/lank/{token}/")
    assert again.status_code == 410
    assert "redan använts" in again.content.decode()
    assert AuditEvent.objects.filter(action="denied", detail="account link used").exists()


def test_an_expired_link_is_refused(client, coordinator, settings):
    from kaa.models import AccountLink

    token = _issue(coordinator)
    AccountLink.objects.update(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    response = client.get(f"/konto/lank/{token}/")
    assert response.status_code == 410
    assert "för gammal" in response.content.decode()
    assert AuditEvent.objects.filter(action="denied", detail="account link expired").exists()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()


def test_a_link_that_expires_while_the_page_is_open_is_refused(client, coordinator):
    from kaa.models import AccountLink

    token = _issue(coordinator)
    _open(client, token)
    AccountLink.objects.update(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    assert _complete(client, coordinator).status_code == 410
    coordinator.refresh_from_db()
    assert not coordinator.check_password(NEW_PASSWORD)
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()


def test_a_link_lasts_the_configured_hours_and_only_its_hash_is_stored(coordinator, settings):
    from django.utils import timezone

    from kaa.models import AccountLink

    settings.KAA_ACCOUNT_LINK_HOURS = 72
    token = _issue(coordinator)
    link = AccountLink.objects.get()
    assert token not in link.token_hash
    assert len(link.token_hash) == 64
    left = link.expires_at - timezone.now()
    assert dt.timedelta(hours=71) < left <= dt.timedelta(hours=72)


def test_only_the_newest_link_works(client, coordinator):
    first = _issue(coordinator)
    _issue(coordinator)
    response = client.get(f"/konto/lank/{first}/")
    assert response.status_code == 410
    assert "nyare länk" in response.content.decode()


def test_an_unknown_link_says_nothing_and_is_logged(client, db):
    response = client.get("/konto/lank/finns-inte/")
    assert response.status_code == 410
    assert AuditEvent.objects.filter(action="denied", detail="account link unknown").exists()
    assert client.get(LINK_PAGE).status_code == 410


def test_a_password_link_does_not_bypass_the_second_factor(client, coordinator):
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    token = _issue(coordinator, purpose="password")
    page = _open(client, token).content.decode()
    assert "<svg" not in page  # the account has an authenticator: nothing to enrol
    response = client.post(
        LINK_PAGE, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == "/konto/logga-in/"
    assert "_auth_user_id" not in client.session
    _login(client, "sara", NEW_PASSWORD)
    assert client.get("/loggkontroll/")["Location"].startswith("/konto/tvafaktor/")
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [device]


def test_a_coordinator_sends_a_new_link_for_a_lost_phone(client_for, coordinator, coach):
    old = TOTPDevice.objects.create(user=coach, name="gamla telefonen", confirmed=True)
    thief = client_for(coach)
    response = client_for(coordinator).post(f"/personal/{coach.pk}/ny-tvafaktor/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert thief.get("/").status_code == 302  # the old sessions are ended
    assert mail.outbox[0].to == [coach.email]
    assert AuditEvent.objects.filter(
        action="create",
        object_type="kaa.accountlink",
        user=coordinator,
        flagged=True,
        detail__contains="authenticators removed",
    ).exists()
    client = Client()
    _open(client, _link_in(mail.outbox[0]).split("/")[-2])
    assert _complete(client, coach)["Location"] == "/"
    assert TOTPDevice.objects.get(user=coach).confirmed


def test_a_coordinator_sends_no_link_outside_the_own_municipality_nor_to_itself(
    client_for, coordinator, stranger_coordinator
):
    client = client_for(coordinator)
    assert client.post(f"/personal/{stranger_coordinator.pk}/ny-tvafaktor/").status_code == 404
    assert client.post(f"/personal/{coordinator.pk}/ny-tvafaktor/").status_code == 403
    assert TOTPDevice.objects.filter(user=coordinator).exists()
    assert not mail.outbox


def test_an_admin_sends_a_password_link_from_the_staff_list(client_for, admin_user, coach):
    response = client_for(admin_user).post(
        STAFF_LIST, {"action": "send_password_link", "_selected_action": [coach.pk]}
    )
    assert response.status_code == 302
    assert mail.outbox[0].to == [coach.email]
    client = Client()
    _open(client, _link_in(mail.outbox[0]).split("/")[-2])
    client.post(
        LINK_PAGE,
        {
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "token": _totp_now(TOTPDevice.objects.get(user=coach)),
        },
    )
    coach.refresh_from_db()
    assert coach.check_password(NEW_PASSWORD)


# --- The operator: only from the command line ------------------------------------------------


def test_an_operator_is_created_only_from_the_command_line(db, client_for, admin_user):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_operator", "drift", "--email", "drift@example.se", stdout=out)
    operator = User.objects.get(username="drift")
    assert operator.role == "admin"
    assert operator.municipality_id is None
    assert not operator.has_usable_password()
    token = re.search(r"/konto/lank/([^/\s]+)/", out.getvalue()).group(1)
    client = Client()
    _open(client, token)
    assert _complete(client, operator)["Location"] == "/"
    # The web has no way to make one, nor to reach one.
    body = client_for(admin_user).get(STAFF_LIST).content.decode()
    assert "drift" not in body
    assert client_for(admin_user).get(_change(operator)).status_code == 302


def test_a_grant_can_be_confirmed_from_the_command_line(client_for, admin_user, coach):
    from io import StringIO

    from django.core.management import call_command

    from kaa.models import RoleGrant

    _post_admin_form(
        client_for(admin_user), _change(coach), requested_role="coordinator", role="coordinator"
    )
    grant = RoleGrant.objects.get(user=coach)
    out = StringIO()
    call_command("role_grants", stdout=out)
    assert coach.username in out.getvalue()
    call_command("role_grants", "--confirm", str(grant.pk), stdout=out)
    coach.refresh_from_db()
    assert coach.role == "coordinator"
    assert AuditEvent.objects.filter(
        object_type="kaa.rolegrant", detail__contains="command line"
    ).exists()


# --- The second factor by default --------------------------------------------------------------


def test_every_role_that_reads_data_needs_the_second_factor_by_default():
    from tests.kaa.test_platform import _manage

    code = "from django.conf import settings as s; print(sorted(s.KAA_OTP_REQUIRED_ROLES))"
    result = _manage("shell", "-c", code, DEBUG="false", SECRET_KEY="z" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['admin', 'coach', 'coordinator', 'manager']"


def test_the_deploy_check_warns_when_a_reading_role_has_no_second_factor(settings):
    from kaa.checks import kaa_deploy_checks

    settings.KAA_OTP_REQUIRED_ROLES = ["coordinator", "admin"]
    warnings = [w for w in kaa_deploy_checks() if "KAA_OTP_REQUIRED_ROLES" in w.msg]
    assert warnings
    assert "coach" in warnings[0].msg
    assert "manager" in warnings[0].msg
    settings.KAA_OTP_REQUIRED_ROLES = ["coordinator", "coach", "manager", "admin"]
    assert not [w for w in kaa_deploy_checks() if "KAA_OTP_REQUIRED_ROLES" in w.msg]


# --- One's own password, a forgotten one, and a new account's role -------------------------


def test_staff_change_their_own_password_and_their_other_browsers_are_logged_out(coach):
    here, elsewhere = Client(), Client()
    for browser in (here, elsewhere):
        assert _login(browser, "omar").status_code == 302
    assert 'href="/installningar/losenord/"' in here.get("/installningar/").content.decode()
    url = "/installningar/losenord/"
    wrong = here.post(
        url, {"old_password": "fel", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 200
    assert "error-summary" in wrong.content.decode()
    coach.refresh_from_db()
    assert coach.check_password(PASSWORD)

    changed = here.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert changed["Location"] == "/installningar/"
    coach.refresh_from_db()
    assert coach.check_password(NEW_PASSWORD)
    assert here.get("/installningar/").status_code == 200  # still logged in here
    assert elsewhere.get("/installningar/").status_code == 302  # logged out there
    event = AuditEvent.objects.filter(action="update", object_type="kaa.user").latest("pk")
    assert event.detail.startswith("password")
    assert event.user == coach


def test_the_installation_password_rules_apply_to_ones_own_password(coach):
    client = Client()
    _login(client, "omar")
    weak = client.post(
        "/installningar/losenord/",
        {"old_password": PASSWORD, "new_password1": "kaa12345", "new_password2": "kaa12345"},
    )
    assert weak.status_code == 200
    coach.refresh_from_db()
    assert coach.check_password(PASSWORD)


def test_forgot_password_e_mails_a_link_to_the_accounts_own_address(client, coach, settings):
    settings.KAA_PASSWORD_RESET_EMAIL = True
    assert 'href="/konto/glomt-losenord/"' in client.get("/konto/logga-in/").content.decode()
    answer = client.post("/konto/glomt-losenord/", {"who": "OMAR@example.se"})
    assert answer.status_code == 200
    assert "får kontots e-postadress" in answer.content.decode()
    assert [m.to for m in mail.outbox] == [["omar@example.se"]]
    link = _link_in(mail.outbox[0])
    assert link not in answer.content.decode()  # only the mailbox has it
    assert AuditEvent.objects.filter(
        object_type="kaa.accountlink", detail__contains="forgot password"
    ).exists()
    # A second ask soon after sends nothing more (the link waits in the mailbox).
    client.post("/konto/glomt-losenord/", {"who": "omar"})
    assert len(mail.outbox) == 1

    _open(client, link.rsplit("/", 2)[-2])
    assert _complete(client, coach).status_code == 302
    coach.refresh_from_db()
    assert coach.check_password(NEW_PASSWORD)


def test_forgot_password_says_the_same_for_an_unknown_account(client, coach, settings):
    settings.KAA_PASSWORD_RESET_EMAIL = True
    known = client.post("/konto/glomt-losenord/", {"who": "omar"}).content.decode()
    unknown = client.post("/konto/glomt-losenord/", {"who": "ingen.alls"}).content.decode()
    strip = re.compile(r"[A-Za-z0-9]{64}")  # the CSRF tokens, different on each page
    assert strip.sub("", known) == strip.sub("", unknown)
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="login_failed", username="ingen.alls").exists()


def test_forgot_password_is_off_without_an_e_mail_server(client, coach, settings):
    settings.KAA_PASSWORD_RESET_EMAIL = False
    assert "glomt-losenord" not in client.get("/konto/logga-in/").content.decode()
    assert client.get("/konto/glomt-losenord/").status_code == 404
    assert client.post("/konto/glomt-losenord/", {"who": "omar"}).status_code == 404
    assert not mail.outbox


def test_a_new_account_asks_for_a_role_and_offers_the_least_privileged_first(
    client_for, admin_user
):
    admin = client_for(admin_user)
    page = admin.get(ADD).content.decode()
    select = re.search(r'<select name="requested_role"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)" selected', select) == [""]
    assert re.findall(r'<option value="([^"]*)"', select) == [
        "",
        "manager",
        "coach",
        "coordinator",
        "admin",
    ]
    refused = _new_staff(admin, admin_user.municipality, requested_role="")
    assert refused.status_code == 200
    assert not User.objects.filter(username="ny.samordnare").exists()
    assert not mail.outbox
    assert User._meta.get_field("role").default == "none"


def test_the_administrations_own_password_page_leads_to_the_one_page(client_for, admin_user):
    response = client_for(admin_user).get("/system/password_change/")
    assert response.status_code == 302
    assert response["Location"] == "/installningar/losenord/"


def test_an_account_whose_invitation_ran_out_unused_is_disabled(client, coordinator, coach):
    from kaa.accounts import unused_accounts_disable
    from kaa.models import AccountLink

    invited = UserFactory(username="ny.coach", municipality=coordinator.municipality)
    _issue(invited)
    used = UserFactory(username="aktiv.coach", municipality=coordinator.municipality)
    _issue(used)
    logged_in = coach  # invited once, then logged in (a password or single sign-on)
    _issue(logged_in)
    User.objects.filter(pk=logged_in.pk).update(last_login=dt.datetime.now(dt.UTC))
    AccountLink.objects.filter(user=used).update(used_at=dt.datetime.now(dt.UTC))
    assert unused_accounts_disable() == 0  # every link still works
    AccountLink.objects.update(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    assert unused_accounts_disable() == 1
    active = dict(User.objects.values_list("username", "is_active"))
    assert active["ny.coach"] is False
    assert active["aktiv.coach"] is True
    assert active[coach.username] is True
    assert active[coordinator.username] is True  # no link ever sent: not an invitation
    assert AuditEvent.objects.filter(
        object_type="kaa.user",
        object_id=str(invited.pk),
        detail="account disabled: its link ran out and it was never used",
    ).exists()
    assert unused_accounts_disable() == 0  # done once


def test_an_unused_account_with_a_newer_link_stays_active(coach):
    from kaa.accounts import unused_accounts_disable
    from kaa.models import AccountLink

    invited = UserFactory(username="ny.coach", municipality=coach.municipality)
    _issue(invited)
    AccountLink.objects.update(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    _issue(invited, purpose="password")  # sent again before the nightly run
    assert unused_accounts_disable() == 0
    invited.refresh_from_db()
    assert invited.is_active
