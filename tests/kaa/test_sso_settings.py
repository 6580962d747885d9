"""Single sign-on's settings, read from the environment as production reads them: off by
default, the client's secret from a file, the role map checked at start, the provider allowed
as the logout form's destination, and the deploy check's demand for https."""

from __future__ import annotations

import json

from tests.kaa.test_platform import _manage

PRINT = (
    "from django.conf import settings as s; import json; print(json.dumps({"
    "'issuer': s.KAA_OIDC_ISSUER, 'discovery': s.KAA_OIDC_DISCOVERY_URL, "
    "'secret': s.OIDC_RP_CLIENT_SECRET, 'map': s.KAA_OIDC_ROLE_MAP, "
    "'backends': s.AUTHENTICATION_BACKENDS, "
    "'form_action': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']}))"
)
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "Q9!x" * 10 + "abcdefghijkl",
    "ALLOWED_HOSTS": "kaa.example.se",
    "TRUSTED_PROXY_COUNT": "1",
    "KAA_CLAMD_URL": "tcp://127.0.0.1:3310",
    "KAA_AUDIT_SINK": "syslog+tcp://127.0.0.1:6514",
}


def _settings(**env: str) -> dict:
    result = _manage("shell", "-c", PRINT, DEBUG="true", SECRET_KEY="s" * 60, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_off_by_default():
    read = _settings()
    assert read["issuer"] == ""
    assert read["form_action"] == ["'self'"]
    assert read["backends"][-1] == "kaa.sso.OidcBackend"  # inert while off


def test_on_with_the_secret_from_a_file_and_a_role_map(tmp_path):
    secret = tmp_path / "oidc_secret"
    secret.write_text("hemlig-klientnyckel\n", encoding="utf-8")
    read = _settings(
        KAA_OIDC_ISSUER="https://login.example.se/tenant/v2.0/",
        KAA_OIDC_CLIENT_ID="kaa",
        KAA_OIDC_CLIENT_SECRET_FILE=str(secret),
        KAA_OIDC_MUNICIPALITY="1882",
        KAA_OIDC_ROLE_MAP="kaa-coach=coach,KAA Chefer=manager@1494",
    )
    assert read["issuer"] == "https://login.example.se/tenant/v2.0"
    assert read["discovery"] == (
        "https://login.example.se/tenant/v2.0/.well-known/openid-configuration"
    )
    assert read["secret"] == "hemlig-klientnyckel"
    assert read["map"] == [["kaa-coach", "coach", "1882"], ["KAA Chefer", "manager", "1494"]]
    # The logout form goes on to the provider's end-session page.
    assert read["form_action"] == ["'self'", "https://login.example.se"]


def test_a_half_configuration_stops_the_start_with_what_is_missing():
    missing = _manage(
        "check",
        DEBUG="true",
        SECRET_KEY="s" * 60,
        KAA_OIDC_ISSUER="https://login.example.se",
        KAA_OIDC_CLIENT_ID="kaa",
    )
    assert missing.returncode != 0
    assert "KAA_OIDC_CLIENT_SECRET" in missing.stderr
    bad_map = _manage(
        "check", DEBUG="true", SECRET_KEY="s" * 60, KAA_OIDC_ROLE_MAP="kaa-coach=superuser"
    )
    assert bad_map.returncode != 0
    assert "KAA_OIDC_ROLE_MAP" in bad_map.stderr
    no_municipality = _manage(
        "check", DEBUG="true", SECRET_KEY="s" * 60, KAA_OIDC_ROLE_MAP="kaa-coach=coach"
    )
    assert "KAA_OIDC_MUNICIPALITY must be set" in no_municipality.stderr


def test_the_deploy_check_wants_an_https_provider():
    plain = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        KAA_OIDC_ISSUER="http://login.example.se",
        KAA_OIDC_CLIENT_ID="kaa",
        KAA_OIDC_CLIENT_SECRET="x" * 32,
    )
    assert plain.returncode != 0
    assert "kaa.W040" in plain.stderr
    https = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        KAA_OIDC_ISSUER="https://login.example.se",
        KAA_OIDC_CLIENT_ID="kaa",
        KAA_OIDC_CLIENT_SECRET="x" * 32,
    )
    assert https.returncode == 0, https.stderr
