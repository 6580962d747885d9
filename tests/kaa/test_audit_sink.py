"""The audit log's second store: every event a request writes reaches a log server on this
machine (a real socket server started by the test) as the exact JSON of the event, later if
the server is down, never inside the request, and each once."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from kaa.audit_sink import ship_all, sink_from_url
from kaa.models import AuditEvent, AuditShipment
from kaa.tasks import audit_ship
from tests.factories import youth_make

pytestmark = pytest.mark.django_db


def expected_json(event: AuditEvent) -> str:
    """The event as the store must receive it: every column of its row as stored, the time
    in UTC."""
    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert {
        "id",
        "at",
        "action",
        "user_id",
        "username",
        "role",
        "municipality_id",
        "object_type",
        "object_id",
        "youth_id",
        "detail",
        "path",
        "ip",
        "request_id",
        "flagged",
    } <= set(row)
    row["at"] = row["at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def octet_frames(data: bytes) -> list[bytes]:
    """Split an RFC 6587 octet-counted stream into its messages."""
    frames = []
    while data:
        length, _, rest = data.partition(b" ")
        frames.append(rest[: int(length)])
        data = rest[int(length) :]
    return frames


class Receiver:
    """A syslog server on 127.0.0.1 that keeps what it receives."""

    def __init__(
        self, transport: str = "tcp", port: int | None = None, tls: ssl.SSLContext | None = None
    ) -> None:
        self.messages: list[bytes] = []
        self.connections = 0
        receiver = self

        class Stream(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock = self.request
                if tls is not None:
                    sock = tls.wrap_socket(sock, server_side=True)
                data = b""
                while chunk := sock.recv(65536):
                    data += chunk
                receiver.connections += 1
                receiver.messages += octet_frames(data)

        class Datagram(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                receiver.messages.append(self.request[0])

        server_class = (
            socketserver.ThreadingUDPServer
            if transport == "udp"
            else socketserver.ThreadingTCPServer
        )
        server_class.allow_reuse_address = True
        self.server = server_class(
            ("127.0.0.1", port or 0), Datagram if transport == "udp" else Stream
        )
        self.port = self.server.server_address[1]
        self.url = f"syslog+{transport}://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def by_id(self) -> dict[int, tuple[str, str]]:
        """Received messages as {event id: (syslog header, JSON)}."""
        out = {}
        for message in self.messages:
            header, _, body = message.decode().partition(" - audit - ")
            out[json.loads(body)["id"]] = (header, body)
        return out


@pytest.fixture
def youth(municipality, coach):
    return youth_make(municipality=municipality, coach=coach, first_name="Amal")


def test_the_events_a_request_writes_reach_the_log_server_as_their_exact_json(
    client_for, coach, youth, settings
):
    with Receiver() as server:
        settings.KAA_AUDIT_SINK = [server.url]
        response = client_for(coach).get(reverse("youth:detail", args=[youth.pk]))
        assert "Amal" in response.content.decode()
        written = list(AuditEvent.objects.filter(request_id=response["X-Request-ID"]))
        assert any(e.action == "read" and e.youth_id == youth.pk for e in written)
        assert audit_ship() == {server.url: AuditEvent.objects.count()}
        received = server.by_id()
    for event in written:
        header, body = received[event.pk]
        assert body == expected_json(event)
        stamp = event.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        # RFC 5424: facility "log audit" (13), severity info (6), version 1, app "kaa".
        assert header.startswith(f"<110>1 {stamp} {socket.gethostname()} kaa")
        assert header.endswith(" kaa")
    # Every event in the log was sent once, in id order.
    ids = [json.loads(m.decode().partition(" - audit - ")[2])["id"] for m in server.messages]
    assert ids == sorted(AuditEvent.objects.values_list("pk", flat=True))


def test_a_log_server_that_is_down_breaks_no_request_and_loses_no_event(
    client_for, coach, youth, settings
):
    port = free_port()
    url = f"syslog+tcp://127.0.0.1:{port}"
    settings.KAA_AUDIT_SINK = [url]
    response = client_for(coach).get(reverse("youth:detail", args=[youth.pk]))
    assert "Amal" in response.content.decode()  # the request does not wait for the server
    outcome = ship_all()
    assert "ConnectionRefusedError" in outcome[url]
    state = AuditShipment.objects.get(sink=url)
    assert (state.last_id, state.shipped) == (0, 0)
    assert state.failing_since is not None
    assert "ConnectionRefusedError" in state.last_error
    client_for(coach).get(reverse("youth:detail", args=[youth.pk]))  # more while down
    with Receiver(port=port) as server:
        assert ship_all() == {url: AuditEvent.objects.count()}
        assert ship_all() == {url: 0}  # nothing twice
        received = server.by_id()
    assert set(received) == set(AuditEvent.objects.values_list("pk", flat=True))
    assert len(server.messages) == len(received)
    for event in AuditEvent.objects.all():
        assert received[event.pk][1] == expected_json(event)
    state.refresh_from_db()
    assert (state.failing_since, state.last_error) == (None, "")
    assert state.last_id == max(received)


def test_an_event_committed_after_later_ones_were_sent_is_still_sent(settings, time_machine):
    """Ids are given out before commit: a transaction can commit id 1001 after 1002 went."""
    time_machine.move_to("2026-12-01 09:00 +01:00", tick=False)
    with Receiver() as server:
        settings.KAA_AUDIT_SINK = [server.url]
        first = AuditEvent.objects.create(id=10_000_001, action="read", detail="first")
        third = AuditEvent.objects.create(id=10_000_003, action="read", detail="third")
        ship_all()
        state = AuditShipment.objects.get(sink=server.url)
        assert state.last_id == third.pk
        assert [pk for pk, _at in state.pending] == [10_000_002]
        late = AuditEvent.objects.create(id=10_000_002, action="denied", detail="late")
        ship_all()
        # One that never commits is given up after a while.
        AuditEvent.objects.create(id=10_000_005, action="read")
        ship_all()
        time_machine.move_to("2026-12-01 10:30 +01:00", tick=False)
        ship_all()
        received = server.by_id()
    assert received[late.pk][1] == expected_json(late)
    assert {first.pk, third.pk, late.pk, 10_000_005} <= set(received)
    assert len(server.messages) == len(received)
    state.refresh_from_db()
    assert state.pending == []


def test_the_events_go_to_a_json_lines_file(settings, tmp_path, coach):
    from kaa.audit import audit_event

    path = tmp_path / "audit.jsonl"
    settings.KAA_AUDIT_SINK = [f"file://{path}"]
    events = [
        audit_event(action="read", user=coach, object_type="youth.youth", object_id=n, youth_id=n)
        for n in (1, 2)
    ]
    ship_all()
    events.append(audit_event(action="export", user=coach, detail="xlsx"))
    ship_all()
    assert path.read_text().splitlines() == [expected_json(e) for e in events]


def test_the_events_go_over_udp_one_datagram_each(settings, coach):
    from kaa.audit import audit_event

    with Receiver("udp") as server:
        settings.KAA_AUDIT_SINK = [server.url]
        event = audit_event(action="denied", user=coach, detail="object", flagged=True)
        ship_all()
        for _ in range(50):  # the datagram is handled by the server's thread
            if server.messages:
                break
            threading.Event().wait(0.05)
        header, body = server.by_id()[event.pk]
    assert body == expected_json(event)
    assert header.startswith("<109>1 ")  # flagged: severity notice


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a cert")
def test_the_events_go_over_tls_to_a_server_with_a_trusted_certificate(settings, coach, tmp_path):
    from kaa.audit import audit_event

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with Receiver(tls=context) as server:
        url = f"syslog+tls://localhost:{server.port}?ca={cert}"
        settings.KAA_AUDIT_SINK = [url]
        event = audit_event(action="login_failed", username="okänd")
        assert ship_all() == {url: 1}
        # Without the certificate trusted, nothing is sent and the cursor stays.
        untrusted = f"syslog+tls://localhost:{server.port}"
        settings.KAA_AUDIT_SINK = [untrusted]
        assert "SSLCertVerificationError" in ship_all()[untrusted]
        assert AuditShipment.objects.get(sink=untrusted).last_id == 0
        body = server.by_id()[event.pk][1]
    assert body == expected_json(event)
    assert "okänd" in body


def test_a_store_is_named_by_a_known_scheme_with_its_address():
    for bad in ("http://logs:514", "syslog+tcp://logs", "file://relative.jsonl"):
        with pytest.raises(ImproperlyConfigured, match="KAA_AUDIT_SINK"):
            sink_from_url(bad)
    assert sink_from_url("syslog+tcp://logs.kommun.se:6514").port == 6514


def test_without_a_second_store_check_deploy_warns(settings):
    """Only the setting is read: the check never connects to the log server."""
    from kaa.checks import kaa_deploy_checks

    settings.KAA_AUDIT_SINK = []
    assert "kaa.W017" in [w.id for w in kaa_deploy_checks()]
    settings.KAA_AUDIT_SINK = [f"syslog+tcp://127.0.0.1:{free_port()}"]  # nobody listens
    assert "kaa.W017" not in [w.id for w in kaa_deploy_checks()]
