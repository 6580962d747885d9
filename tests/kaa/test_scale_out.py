"""Scale-out: two web processes (gunicorn, on two loopback ports) and a Celery worker, each its
own process on the same PostgreSQL, Redis and MEDIA_ROOT, behind nginx (Debian's) configured
from deploy/nginx/kaa.conf.template, round robin. Each web process names itself (X-KAA-Node).

Whichever process answers: the session holds, a form kept as a draft when the session expired
comes back, an account locked out by failures on one process is locked on the other, the
address limit counts the failures of both, an uploaded file is served by the other process,
and a file built by the worker is downloaded from either."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.factories import consent_make, youth_make

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx" / "kaa.conf.template"
PASSWORD = "ett-langt-testlosenord-123"
LOGIN = "/konto/logga-in/"
NODES = {"node-1", "node-2"}
BODY_LIMIT = 1024 * 1024  # KAA_MAX_REQUEST_BYTES of the web processes and nginx alike
ADDRESS_LIMIT = 10
START_SECONDS = 120  # a few seconds on a quiet machine; CI machines are shared

pytestmark = [pytest.mark.scaleout, pytest.mark.worker]


def nginx_render(template: str, values: dict[str, str]) -> str:
    """What the nginx image does with a template at start: every ${NAME} replaced by the
    environment's value (a name that is not given fails here instead of staying literal)."""
    return re.sub(r"\$\{([A-Z0-9_]+)\}", lambda match: values[match.group(1)], template)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    """The test's own database (test_...), which the processes must share with the test."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return f"({path.name}: nothing written)"
    return f"--- {path.name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Stack:
    def __init__(self, base: str, logs: Path, media: Path, nodes: dict[str, str]) -> None:
        self.base = base
        self.nodes = nodes  # name: its own address, past the proxy
        self.logs = logs
        self.media = media

    def logs_tail(self) -> str:
        return "\n".join(_tail(path) for path in sorted(self.logs.glob("*.log")))


class Browser:
    """One browser (its cookies) talking to the proxy only; notes which process answered."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.http = requests.Session()
        self.answered: list[str | None] = []

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        url = path if path.startswith("http") else self.stack.base + path
        response = self.http.request(method, url, **kwargs)
        self.answered.append(response.headers.get("X-KAA-Node"))
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs) -> requests.Response:
        if "csrftoken" not in self.http.cookies:
            self.get(LOGIN)
        data = {**(data or {}), "csrfmiddlewaretoken": self.http.cookies["csrftoken"]}
        return self.request("POST", path, data=data, **kwargs)

    @property
    def node(self) -> str | None:
        """The process that answered the last request."""
        return self.answered[-1]

    def next_not_on(self, node: str) -> None:
        """Let the round robin pass `node`: cheap requests until `node` answers one, so that
        the next request goes to the other process (checked by the caller, never assumed)."""
        for _ in range(4):
            if self.get("/healthz").headers.get("X-KAA-Node") == node:
                return
        raise AssertionError(f"{node} never answered: {self.answered}")


def _totp(device) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def login(browser: Browser, username: str, *, device=None, next_url: str = "") -> str:
    """Log in through the proxy as a person would (password, then the authenticator's code
    where the role needs it); returns where the browser is sent."""
    browser.get(LOGIN)
    response = browser.post(LOGIN, {"username": username, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302, (response.status_code, response.text[:300])
    location = response.headers["Location"]
    if device is not None:
        for _ in range(3):
            if "/konto/tvafaktor/" in location:
                break
            location = browser.get(location).headers["Location"]
        response = browser.post(location, {"token": _totp(device)})
        assert response.status_code == 302, response.text[:300]
        location = response.headers["Location"]
    return location


def _wait_up(urls: list[str], processes: list[subprocess.Popen], stack: Stack) -> None:
    deadline = time.monotonic() + START_SECONDS
    for url in urls:
        while True:
            try:
                if requests.get(url, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                pytest.fail(f"{url} did not come up\n{stack.logs_tail()}")
            time.sleep(0.2)


METRICS_TOKEN = "scale-out-metrics-token-" + "m" * 24


def _stop(processes: list[subprocess.Popen]) -> None:
    # Quick shutdowns: nothing is left to finish (SIGINT for gunicorn, SIGQUIT for Celery).
    quick = {"gunicorn": signal.SIGINT, "celery": signal.SIGQUIT}
    for process in processes:
        process.send_signal(quick.get(process.args[2], signal.SIGTERM))
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def stack(transactional_db, tmp_path):
    """nginx, two gunicorn processes and a Celery worker, on the test's database."""
    nginx = os.environ.get("KAA_NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        pytest.fail(
            f"nginx missing at {nginx}: apt-get install -y nginx-light (./scripts/test does)"
        )
    from django.conf import settings

    run = uuid.uuid4().hex[:12]
    logs = tmp_path / "logs"
    logs.mkdir()
    media = tmp_path / "media"
    media.mkdir()
    (tmp_path / "static").mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "tests.kaa.scaleout_settings",
        "KAA_SCALEOUT_QUEUE": f"kaa-scaleout-{run}",
        "KAA_SCALEOUT_RATELIMIT_PREFIX": f"kaa:scaleout:{run}",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(media),
        "STATIC_ROOT": str(tmp_path / "static"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXY_COUNT": "1",
        "KAA_MAX_REQUEST_BYTES": str(BODY_LIMIT),
        "AXES_FAILURE_LIMIT": "3",
        "KAA_LOGIN_ADDRESS_LIMIT": str(ADDRESS_LIMIT),
        "LOG_LEVEL": "WARNING",
        "KAA_METRICS_TOKEN": METRICS_TOKEN,
    }
    processes: list[subprocess.Popen] = []

    def start(name: str, args: list[str], **extra: str) -> None:
        with open(logs / f"{name}.log", "wb") as log:
            processes.append(
                subprocess.Popen(  # noqa: S603 - fixed arguments, loopback only
                    args, env={**env, **extra}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
                )
            )

    ports = {name: _free_port() for name in sorted(NODES)}
    for name, port in ports.items():
        start(
            name,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kaa.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--access-logfile",
                str(logs / f"{name}-access.log"),
                "--no-control-socket",  # one per user by default: two processes would share it
            ],
            KAA_NODE_NAME=name,
        )
    start(
        "worker",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kaa",
            "worker",
            "--queues",
            env["KAA_SCALEOUT_QUEUE"],
            "--hostname",
            f"scaleout-{run}@%h",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
    )
    proxy_port = _free_port()
    conf = tmp_path / "nginx"
    conf.mkdir()
    (conf / "kaa.conf").write_text(
        nginx_render(
            TEMPLATE.read_text(),
            {
                "NGINX_LISTEN": f"127.0.0.1:{proxy_port}",
                "NGINX_UPSTREAM": " ".join(f"server 127.0.0.1:{p};" for p in ports.values()),
                "KAA_MAX_REQUEST_BYTES": str(BODY_LIMIT),
            },
        )
    )
    # One process, no daemon, everything in the temporary directory: the test needs neither
    # root nor /etc/nginx (and one process makes the round robin strictly alternate).
    (conf / "nginx.conf").write_text(
        f"""daemon off;
master_process off;
pid {conf}/nginx.pid;
error_log {logs}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {logs}/nginx-access.log;
    client_body_temp_path {conf}/body;
    proxy_temp_path {conf}/proxy;
    fastcgi_temp_path {conf}/fastcgi;
    uwsgi_temp_path {conf}/uwsgi;
    scgi_temp_path {conf}/scgi;
    include {conf}/kaa.conf;
}}
"""
    )
    start("nginx", [nginx, "-p", str(conf), "-c", str(conf / "nginx.conf"), "-e", "stderr"])
    result = Stack(
        f"http://127.0.0.1:{proxy_port}",
        logs,
        media,
        {name: f"http://127.0.0.1:{port}" for name, port in ports.items()},
    )
    try:
        urls = [f"{address}/healthz" for address in result.nodes.values()]
        _wait_up([*urls, result.base + "/healthz"], processes, result)
        yield result
    finally:
        _stop(processes)
        print(result.logs_tail())  # shown when the test failed


def test_any_process_answers_any_request_behind_nginx(
    stack, coordinator, coach, colleague, settings
):
    from axes.models import AccessAttempt
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kaa.middleware import SESSION_LAST_SEEN
    from kaa.models import AuditEvent
    from records.register_extract.models import RegisterExtract

    today = timezone.localdate().isoformat()

    # The proxy: both processes answer in turn, KAA's security headers pass unchanged, and a
    # body over KAA_MAX_REQUEST_BYTES is refused by nginx itself (no process answers it).
    anonymous = Browser(stack)
    page = anonymous.get(LOGIN)
    anonymous.get(LOGIN)
    assert set(anonymous.answered) == NODES
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Server"] == "nginx"  # no version
    too_big = anonymous.request(
        "POST", LOGIN, data=b"x" * (BODY_LIMIT + 1), headers={"Content-Type": "text/plain"}
    )
    assert too_big.status_code == 413
    assert "X-KAA-Node" not in too_big.headers
    # The metrics answer each process directly, never through the proxy, token or not.
    bearer = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    outside = anonymous.request("GET", "/metrics", headers=bearer)
    assert (outside.status_code, "X-KAA-Node" in outside.headers) == (404, False)
    for address in stack.nodes.values():
        inside = requests.get(f"{address}/metrics", headers=bearer, timeout=10)
        assert inside.status_code == 200
        assert "kaa_http_request_duration_seconds" in inside.text

    # The container's health check, against each process as its HEALTHCHECK would ask it.
    for address in stack.nodes.values():
        check = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "deploy" / "healthcheck.py")],
            env={
                **os.environ,
                "KAA_HEALTHCHECK_URL": f"{address}/healthz",
                "ALLOWED_HOSTS": "127.0.0.1",
            },
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert check.returncode == 0, check.stderr
        assert '"status": "ok"' in check.stdout

    # The session: a coordinator logs in with password and authenticator (the client says it
    # comes from 203.0.113.9; only the proxy's own word counts); every page, from either
    # process, is the coordinator's.
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    sara = Browser(stack)
    sara.http.headers["X-Forwarded-For"] = "203.0.113.9"
    assert login(sara, "sara", device=device) == "/"
    assert set(sara.answered) == NODES
    start = len(sara.answered)
    for _ in range(4):
        response = sara.get("/")
        assert response.status_code == 200
        assert "Logga ut" in response.text
    assert set(sara.answered[start:]) == NODES
    logged_in = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, user=coordinator).get()
    assert logged_in.ip == "127.0.0.1"

    # An upload taken by one process is served by the other (MEDIA_ROOT is shared).
    youth = youth_make(municipality=coordinator.municipality, coach=coach)
    consent = consent_make(youth, actor=coordinator)
    scan = b"%PDF-1.7\n% scanned on one process\n%%EOF\n"
    response = sara.post(
        reverse("plans:consent_paper", args=[youth.pk, consent.pk]),
        {"version": consent.version, "on": today},
        files={"scan": ("samtycke.pdf", scan, "application/pdf")},
    )
    assert response.status_code == 302, response.text[:500]
    uploaded_on = sara.node
    sara.next_not_on(uploaded_on)
    response = sara.get(reverse("plans:consent_scan", args=[youth.pk, consent.pk]))
    assert response.status_code == 200
    assert response.content == scan
    assert sara.node not in (None, uploaded_on)

    # A file built by the worker: the extract ordered on one process, built by the worker
    # process (the web processes run no tasks), downloaded from the other process.
    page = sara.get(reverse("youth:data_protection", args=[youth.pk])).text
    key = re.search(r'name="key" value="([0-9a-f-]+)"', page).group(1)
    response = sara.post(
        reverse("records:register_extract", args=[youth.pk]), {"mottagen": today, "key": key}
    )
    assert response.status_code == 302
    ordered_on = sara.node
    extract = RegisterExtract.objects.get(youth=youth)
    download = reverse("records:extract_download", args=[youth.pk, extract.pk])
    listing = reverse("records:extract_list", args=[youth.pk])
    deadline = time.monotonic() + 60
    while download not in sara.get(listing).text:
        assert time.monotonic() < deadline, "the worker built no extract\n" + stack.logs_tail()
        time.sleep(0.5)
    sara.next_not_on(ordered_on)
    response = sara.get(download)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert sara.node not in (None, ordered_on)
    extract.refresh_from_db()
    assert extract.built_at is not None
    assert (stack.media / extract.file.name).is_file()

    # A draft: the coach's session expires, the note posted then is kept in the session by one
    # process, and after logging in again the other process offers it back.
    own = youth_make(municipality=coach.municipality, coach=coach)
    detail = reverse("youth:detail", args=[own.pk])
    omar = Browser(stack)
    login(omar, "omar")
    session = SessionStore(session_key=omar.http.cookies["sessionid"])
    idle = settings.KAA_SESSION_IDLE_MINUTES * 60  # the processes' too (SESSION_IDLE_MINUTES)
    session[SESSION_LAST_SEEN] = int(time.time()) - idle - 60
    session.save()
    response = omar.post(
        reverse("youth:note_add", args=[own.pk]),
        {"text": "Ringde, inget svar"},
        headers={"Referer": stack.base + detail},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(LOGIN)
    kept_on = omar.node
    assert login(omar, "omar", next_url=detail) == detail
    omar.next_not_on(kept_on)
    response = omar.get(detail)
    assert response.status_code == 200
    assert "Ringde, inget svar" in response.text
    assert omar.node not in (None, kept_on)

    # The account lockout (django-axes, in the database): three wrong passwords, answered by
    # both processes, lock the account (the third is answered with the lockout); then the
    # right password is refused by each process.
    elin = Browser(stack)
    for attempt in range(3):
        response = elin.post(LOGIN, {"username": "elin", "password": "fel-losenord-helt"})
        assert response.status_code == (429 if attempt == 2 else 200)
    assert set(elin.answered[-3:]) == NODES
    assert AccessAttempt.objects.filter(username="elin").exists()
    for _ in range(2):
        response = elin.post(LOGIN, {"username": "elin", "password": PASSWORD})
        assert response.status_code == 429
        assert "Kontot är tillfälligt spärrat" in response.text
        assert "sessionid" not in elin.http.cookies
    assert set(elin.answered[-2:]) == NODES

    # The address limit, counted in Redis: failures on both processes add up, so the
    # address is slowed down after ADDRESS_LIMIT failures in all (not that many on each),
    # and both processes then refuse it.
    guesser = Browser(stack)
    refused: list[str | None] = []
    for i in range(ADDRESS_LIMIT + 2):
        response = guesser.post(LOGIN, {"username": f"gissning{i}", "password": "fel"})
        if response.status_code == 429:
            assert response.headers["Retry-After"].isdigit()
            refused.append(guesser.node)
        else:
            assert response.status_code == 200
            assert not refused, "an address once slowed down is let through again"
    assert len(refused) >= 2
    assert set(refused) == NODES
    assert set(guesser.answered) == NODES

    # Both processes answered (their own access logs say so too).
    for name in NODES:
        assert "POST /konto/logga-in/" in (stack.logs / f"{name}-access.log").read_text()
