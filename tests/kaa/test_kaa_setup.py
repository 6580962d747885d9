"""First run: `manage.py kaa_setup` takes an empty database to a municipality and a first admin
who can log in through the printed link; the official list of municipality codes; running it
again changes nothing; a wrong code or name is refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaa import accounts
from kaa.models import AccountLink, AuditEvent, Municipality, Role, RoleGrant, User
from kaa.municipalities import DATA, official, official_check

NEW_PASSWORD = "rodbetor-och-potatis-pa-fredag"
ADMIN = "it.drift@askersund.se"


def _setup(*args: str) -> str:
    out = io.StringIO()
    call_command("kaa_setup", *args, "--noinput", stdout=out)
    return out.getvalue()


def _askersund(*extra: str) -> str:
    return _setup("--municipality", "1882", "--name", "Askersund", "--admin", ADMIN, *extra)


def _link_path(output: str) -> str:
    match = re.search(r"https?://[^/\s]+(/konto/lank/[^/\s]+/)", output)
    assert match, output
    return match.group(1)


def _code(device: TOTPDevice, ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead
    return f"{totp.token():06d}"


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Municipality, User, RoleGrant, AccountLink, AuditEvent, TOTPDevice)
    }


# --- The official list -----------------------------------------------------------------------


def test_the_shipped_list_has_every_municipality_under_scbs_code():
    kommuner = official()
    assert len(kommuner) == 290
    with DATA.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 290  # no code twice
    assert len({row["namn"] for row in rows}) == 290
    assert len({row["lanskod"] for row in rows}) == 21
    for row in rows:
        assert re.fullmatch(r"\d{4}", row["kod"])
        assert row["kod"][:2] == row["lanskod"]
    sample = {
        "0114": "Upplands Väsby",
        "0180": "Stockholm",
        "0380": "Uppsala",
        "0980": "Gotland",
        "1280": "Malmö",
        "1480": "Göteborg",
        "1494": "Lidköping",
        "1882": "Askersund",
        "2023": "Malung-Sälen",
        "2361": "Härjedalen",
        "2584": "Kiruna",
    }
    assert {code: kommuner[code].name for code in sample} == sample
    assert kommuner["1882"].county == "Örebro län"


def test_a_name_is_compared_without_case_spacing_or_the_word_kommun():
    for given in ("Askersund", "askersund", " ASKERSUND ", "Askersunds kommun"):
        assert official_check("1882", given).name == "Askersund"
    assert official_check("0114", "Upplands-Väsby").name == "Upplands Väsby"


# --- kaa_setup -------------------------------------------------------------------------------


def test_the_first_run_takes_an_empty_database_to_a_first_admin_who_logs_in(db):
    assert not Municipality.objects.exists()
    assert not User.objects.exists()

    output = _askersund()

    municipality = Municipality.objects.get()
    assert (municipality.code, municipality.name) == ("1882", "Askersund")
    # Half-years before today were reported outside KAA: no reminders or drafts for them.
    assert municipality.in_use_from == timezone.localdate()
    admin = User.objects.get()
    assert (admin.username, admin.email, admin.role) == (ADMIN, ADMIN, Role.ADMIN)
    assert admin.municipality == municipality
    assert not admin.has_usable_password()
    grant = RoleGrant.objects.get()
    assert grant.status == RoleGrant.Status.CONFIRMED
    assert grant.requested_by is None
    assert grant.decided_by is None
    assert "Municipality 1882 Askersund created." in output
    assert "confirmed by this set-up" in output
    # Every step is in the audit log, the role's confirmation flagged as the set-up's own act.
    details = list(AuditEvent.objects.filter(flagged=True).values_list("detail", flat=True))
    assert "municipality created (kaa_setup)" in details
    assert "first admin's account created (kaa_setup)" in details
    assert "role grant requested: admin (kaa_setup)" in details
    assert "role grant confirmed: admin (kaa_setup: nobody else can confirm yet)" in details
    assert AuditEvent.objects.filter(
        object_type="kaa.municipality", object_id=str(municipality.pk)
    ).exists()

    # The printed link: choose a password, enrol the authenticator, and be logged in.
    client = Client()
    opened = client.get(_link_path(output))
    assert opened["Location"] == "/konto/lank/"
    page = client.get("/konto/lank/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    done = client.post(
        "/konto/lank/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "token": _code(device)},
    )
    assert done.status_code == 302
    assert client.get("/system/").status_code == 200  # the system administration, verified
    assert client.get("/system/kaa/user/add/").status_code == 200
    # And later with the password and the authenticator, as every day.
    fresh = Client()
    fresh.post("/konto/logga-in/", {"username": ADMIN, "password": NEW_PASSWORD})
    device.refresh_from_db()
    # The next step's code (within the device's tolerance): a code is accepted only once.
    verify = fresh.post("/konto/tvafaktor/?next=/system/", {"token": _code(device, 30)})
    assert verify.status_code == 302
    assert fresh.get("/system/").status_code == 200


def test_running_it_again_changes_nothing(db):
    _askersund()
    before = _counts()
    link = AccountLink.objects.get()

    again = _askersund()

    assert _counts() == before
    assert "already set up" in again
    assert "Nothing changed." in again
    assert "/konto/lank/" not in again  # no second link: the first one still works
    link.refresh_from_db()
    assert link.revoked_at is None
    # The municipality alone, too.
    assert "Nothing changed." in _setup("--municipality", "1882", "--name", "askersunds kommun")
    assert _counts() == before


def test_a_wrong_pair_of_code_and_name_is_refused_with_what_is_right(db):
    with pytest.raises(CommandError) as wrong_name:
        _setup("--municipality", "1882", "--name", "Lidköping", "--admin", ADMIN)
    assert str(wrong_name.value) == (
        "Municipality code 1882 is Askersund (Örebro län), not Lidköping. Lidköping has code 1494."
    )
    with pytest.raises(CommandError) as unknown_code:
        _setup("--municipality", "1883", "--name", "Askersund")
    assert "1883 is Karlskoga" in str(unknown_code.value)
    with pytest.raises(CommandError) as no_code:
        _setup("--municipality", "9999", "--name", "Askersund")
    assert "9999 is not a Swedish municipality code" in str(no_code.value)
    assert "Askersund has code 1882" in str(no_code.value)
    with pytest.raises(CommandError) as bad_address:
        _setup("--municipality", "1882", "--name", "Askersund", "--admin", "inte-en-adress")
    assert "not an e-mail address" in str(bad_address.value)
    assert not Municipality.objects.exists()
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_adding_a_municipality_later_is_the_same_command(db):
    _askersund()
    output = _setup("--municipality", "1494", "--name", "Lidköping", "--admin", "it@lidkoping.se")
    lidkoping = Municipality.objects.get(code="1494")
    admin = User.objects.get(email="it@lidkoping.se")
    # Askersund's admin cannot confirm roles in Lidköping: nobody could, so the set-up did.
    assert admin.municipality == lidkoping
    assert admin.role == Role.ADMIN
    assert "/konto/lank/" in output


def test_where_an_operator_can_confirm_the_role_waits_for_the_operator(db):
    operator, _token = accounts.operator_create(username="drift", email="drift@example.se")
    output = _askersund()
    admin = User.objects.get(email=ADMIN)
    grant = RoleGrant.objects.get(user=admin)
    assert admin.role == Role.NONE  # no access until a second person confirms
    assert grant.status == RoleGrant.Status.PENDING
    assert f"role_grants --confirm {grant.pk}" in output
    assert "/konto/lank/" in output  # the admin can already choose a password meanwhile
    accounts.role_grant_decide(grant=grant, confirm=True, actor=operator)
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN
    # A rerun finds the admin set up and asks for nothing more.
    assert "Nothing changed." in _askersund()


def test_an_address_of_another_account_is_refused(db):
    _askersund()
    _setup("--municipality", "1494", "--name", "Lidköping")
    with pytest.raises(CommandError, match="stays in its municipality"):
        _setup("--municipality", "1494", "--name", "Lidköping", "--admin", ADMIN.upper())
    coordinator = User.objects.create(
        username="sara",
        email="sara@askersund.se",
        role=Role.COORDINATOR,
        municipality=Municipality.objects.get(code="1882"),
    )
    with pytest.raises(CommandError, match="ask for the admin role at /system/"):
        _setup("--municipality", "1882", "--name", "Askersund", "--admin", coordinator.email)
    coordinator.refresh_from_db()
    assert coordinator.role == Role.COORDINATOR


def test_a_new_link_replaces_the_first(db):
    first = _link_path(_askersund())
    second = _link_path(_askersund("--new-link"))
    assert first != second
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 302
    with pytest.raises(CommandError, match="--new-link needs"):
        _setup("--municipality", "1882", "--name", "Askersund", "--new-link")


def test_without_noinput_it_asks_first(db, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command(
            "kaa_setup", "--municipality", "1882", "--name", "Askersund", stdout=io.StringIO()
        )
    assert not Municipality.objects.exists()
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "ja")
    call_command(
        "kaa_setup", "--municipality", "1882", "--name", "Askersund", stdout=io.StringIO()
    )
    assert asked == ["This will create municipality 1882 Askersund. Continue? [y/N] "]
    assert Municipality.objects.filter(code="1882").exists()


def test_the_system_administration_adds_a_municipality_only_under_its_official_name(
    db, client_for
):
    operator, _token = accounts.operator_create(username="drift", email="drift@example.se")
    client = client_for(operator)
    wrong = client.post("/system/kaa/municipality/add/", {"code": "1882", "name": "Lidköping"})
    assert wrong.status_code == 200
    assert "Kommunkoden 1882 är Askersund, inte Lidköping" in wrong.content.decode()
    unknown = client.post("/system/kaa/municipality/add/", {"code": "9999", "name": "Ny"})
    assert "9999 är ingen svensk kommunkod" in unknown.content.decode()
    assert not Municipality.objects.exists()
    right = client.post(
        "/system/kaa/municipality/add/", {"code": "1882", "name": "askersunds kommun"}
    )
    assert right.status_code == 302
    assert Municipality.objects.get().name == "Askersund"


def test_a_new_link_brings_back_a_first_admin_disabled_for_not_using_the_first(db):
    first = _link_path(_askersund())
    AccountLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert accounts.unused_accounts_disable() == 1
    assert Client().get(first).status_code == 410
    second = _link_path(_askersund("--new-link"))
    assert User.objects.get().is_active
    assert Client().get(second).status_code == 302
