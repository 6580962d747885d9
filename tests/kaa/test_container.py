"""The container image and the compose stack, read as files (no Docker daemon here): the image
is built from the project's own files, runs unprivileged, compiles the translations and
collects the static files at build time and checks /healthz; web scales behind nginx, which
limits bodies as KAA does and is the one trusted proxy."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", re.sub(r"^\s*#.*\n", "", text, flags=re.M))
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in (raw.strip() for raw in text.splitlines())
        if line
    ]


def test_the_image_is_built_from_the_project_and_runs_unprivileged():
    steps = _instructions()
    runs = " ".join(args for op, args in steps if op == "RUN")
    assert steps[0] == ("FROM", "python:3.11-slim-bookworm")
    assert re.search(r"\bpip install \.(\s|$)", runs)  # pyproject.toml's pins, nothing else
    assert "compilemessages" in runs
    assert "collectstatic --noinput" in runs
    users = [args for op, args in steps if op == "USER"]
    assert users, "the image must not run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert re.search(rf"useradd .*--uid {user}\b", runs)
    # The user owns only what KAA writes; the code stays root's (read-only for it).
    assert re.search(r"chown kaa:kaa /app/media /app/var\b", runs)
    # Everything after USER runs as that user: nothing there may need root.
    after = [op for op, _ in steps[steps.index(("USER", users[-1])) :]]
    assert "RUN" not in after


def test_the_image_checks_its_health_through_healthz():
    steps = dict(_instructions())
    assert "/app/deploy/healthcheck.py" in steps["HEALTHCHECK"]
    assert "--interval=" in steps["HEALTHCHECK"]
    assert "kaa.wsgi:application" in steps["CMD"]


def test_secrets_and_local_state_stay_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", "secrets", ".venv", "var", ".git"} <= ignored


def test_the_health_check_fails_when_nothing_answers():
    env = {**os.environ, "KAA_HEALTHCHECK_URL": "http://127.0.0.1:9/healthz"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "deploy" / "healthcheck.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 1
    assert "127.0.0.1:9" in done.stderr
    env["KAA_HEALTHCHECK_URL"] = "file:///etc/passwd"
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "deploy" / "healthcheck.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 1
    assert "root:" not in done.stdout


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_web_scales_behind_nginx():
    services = _compose()["services"]
    web, nginx = services["web"], services["nginx"]
    # Several replicas: no fixed name, no port on the host (nginx publishes the site).
    assert "container_name" not in web
    assert "ports" not in web
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    assert web["environment"]["USE_X_FORWARDED_PROTO"] == "true"
    assert nginx["environment"]["NGINX_UPSTREAM"] == "server web:8000;"
    # The same template the scale-out test runs nginx with.
    assert (
        "./deploy/nginx/kaa.conf.template:/etc/nginx/templates/kaa.conf.template:ro"
        in nginx["volumes"]
    )
    # nginx refuses exactly what KAA refuses.
    assert (
        nginx["environment"]["KAA_MAX_REQUEST_BYTES"]
        == web["environment"]["KAA_MAX_REQUEST_BYTES"]
    )
    template = (ROOT / "deploy" / "nginx" / "kaa.conf.template").read_text()
    assert "client_max_body_size ${KAA_MAX_REQUEST_BYTES};" in template
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in template
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in template
    assert "add_header" not in template  # KAA's security headers pass unchanged
    # Uploads and built files are on one volume for every replica and the workers.
    for name in ("web", "worker"):
        assert "media:/app/media" in services[name]["volumes"], name
        assert services[name]["environment"]["MEDIA_ROOT"] == "/app/media", name


def test_only_web_is_checked_through_http():
    services = _compose()["services"]
    assert "healthcheck" not in services["web"]  # the image's own
    for name in ("migrate", "beat"):
        assert services[name]["healthcheck"] == {"disable": True}, name
    assert "inspect ping" in services["worker"]["healthcheck"]["test"][1]
