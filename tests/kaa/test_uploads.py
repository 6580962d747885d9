"""Uploads: bodies over the limit are refused before they are read, files over a view's limit
while they arrive, and every upload is scanned by ClamAV when the municipality runs it: a
client for clamd's INSTREAM protocol, tested against a loopback server that speaks it."""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kaa.lib import clamav
from kaa.models import AuditEvent
from plans.models import Consent
from tests.factories import consent_make, reason, youth_make
from tests.youth.test_import import HEADER, _pnr
from youth.models import ImportBatch

# The EICAR anti-virus test file: harmless, and detected by every scanner as if it were not.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Eicar-Test-Signature"


class Clamd(socketserver.BaseRequestHandler):
    """Speaks clamd's side of `zINSTREAM`: the NUL-terminated command, chunks of a 4-byte
    big-endian length and data until a zero length, then one NUL-terminated reply."""

    def _exactly(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            part = self.request.recv(count - len(data))
            if not part:
                raise ConnectionError("client went away")
            data += part
        return data

    def handle(self) -> None:
        server = self.server
        command = b""
        while not command.endswith(b"\0"):
            command += self._exactly(1)
        server.commands.append(command)
        if server.mode == "silent":
            time.sleep(3)
            return
        stream, sizes = b"", []
        while True:
            (length,) = struct.unpack("!I", self._exactly(4))
            sizes.append(length)
            if length == 0:
                break
            stream += self._exactly(length)
        server.streams.append(stream)
        server.chunk_sizes.append(sizes)
        if server.mode == "error":
            reply = b"INSTREAM size limit exceeded. ERROR"
        elif EICAR in stream:
            reply = b"stream: " + SIGNATURE.encode() + b" FOUND"
        else:
            reply = b"stream: OK"
        self.request.sendall(reply + b"\0")


class _Server(socketserver.ThreadingMixIn):
    daemon_threads = True
    allow_reuse_address = True

    def setup_state(self, mode: str) -> None:
        self.mode, self.commands, self.streams, self.chunk_sizes = mode, [], [], []


class TcpClamd(_Server, socketserver.TCPServer):
    pass


class UnixClamd(_Server, socketserver.UnixStreamServer):
    pass


@contextlib.contextmanager
def _serve(server: _Server, mode: str) -> Iterator[_Server]:
    server.setup_state(mode)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def clamd(request) -> Iterator[_Server]:
    with _serve(TcpClamd(("127.0.0.1", 0), Clamd), getattr(request, "param", "normal")) as server:
        yield server


@pytest.fixture
def scanner(clamd, settings) -> _Server:
    """KAA configured to scan with the loopback clamd."""
    settings.KAA_CLAMD_URL = f"tcp://127.0.0.1:{clamd.server_address[1]}"
    settings.KAA_CLAMD_TIMEOUT = 2
    return clamd


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- The client ----------------------------------------------------------------------------


def test_a_clean_stream_is_ok_and_the_protocol_is_instream(clamd, monkeypatch):
    monkeypatch.setattr(clamav, "CHUNK_BYTES", 1000)
    url = f"tcp://127.0.0.1:{clamd.server_address[1]}"
    data = b"personnummer;fornamn\n" * 200  # 4200 bytes
    assert clamav.scan(data, url=url) == clamav.Verdict(clean=True)
    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.streams == [data]
    assert clamd.chunk_sizes == [[1000, 1000, 1000, 1000, 200, 0]]


def test_eicar_is_found_even_across_chunks(clamd, monkeypatch):
    monkeypatch.setattr(clamav, "CHUNK_BYTES", 7)
    url = f"tcp://127.0.0.1:{clamd.server_address[1]}"
    verdict = clamav.scan(iter([b"%PDF-1.4 ", EICAR, b" trailer"]), url=url)
    assert verdict == clamav.Verdict(clean=False, signature=SIGNATURE)


def test_a_file_object_is_streamed(clamd):
    import io

    url = f"tcp://127.0.0.1:{clamd.server_address[1]}"
    assert not clamav.scan(io.BytesIO(EICAR), url=url).clean


def test_a_unix_socket_works_too(tmp_path):
    path = str(Path(tmp_path) / "clamd.sock")
    with _serve(UnixClamd(path, Clamd), "normal"):
        assert clamav.scan(EICAR, url=path).signature == SIGNATURE
        assert clamav.scan(b"ok", url=f"unix://{path}").clean


def test_no_scanner_listening_is_unavailable_at_once():
    started = time.monotonic()
    with pytest.raises(clamav.ScannerUnavailable):
        clamav.scan(b"x", url=f"tcp://127.0.0.1:{_closed_port()}", timeout=5)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("clamd", ["silent"], indirect=True)
def test_a_scanner_that_does_not_answer_times_out(clamd):
    started = time.monotonic()
    with pytest.raises(clamav.ScannerUnavailable):
        clamav.scan(b"x", url=f"tcp://127.0.0.1:{clamd.server_address[1]}", timeout=0.5)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("clamd", ["error"], indirect=True)
def test_an_error_reply_is_no_verdict(clamd):
    with pytest.raises(clamav.ScannerUnavailable, match="size limit"):
        clamav.scan(b"x", url=f"tcp://127.0.0.1:{clamd.server_address[1]}")


@pytest.mark.parametrize("url", ["http://clamd:3310", "tcp://clamd", "clamd:3310", ""])
def test_a_malformed_address_is_refused(url):
    with pytest.raises(ValueError, match="expected tcp://host:port"):
        clamav.parse_url(url)


# --- Uploads in the app --------------------------------------------------------------------


def _import(client, content: bytes, name: str = "lista.csv"):
    return client.post(
        reverse("youth:import_upload"),
        {
            "file": SimpleUploadedFile(name, content),
            "reason": reason("OVRIGT").pk,
            "scope": "all",
            "start_date": "2026-02-03",
        },
    )


def test_an_infected_import_file_is_refused_stored_nowhere_and_audited(
    client_for, coordinator, scanner
):
    content = f"{HEADER}\n{_pnr(17, 61)};Alva;Berg;;;;;;\n".encode() + EICAR
    response = _import(client_for(coordinator), content)
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Filen innehåller skadlig kod ({SIGNATURE}) och har inte tagits emot." in body
    assert 'value="2026-02-03"' in body
    assert not ImportBatch.objects.exists()
    event = AuditEvent.objects.get(action="denied", object_type="upload")
    assert (event.user, event.flagged, event.municipality) == (
        coordinator,
        True,
        coordinator.municipality,
    )
    assert SIGNATURE in event.detail
    assert scanner.streams == [content]


def test_a_clean_import_file_is_scanned_and_taken(client_for, coordinator, scanner):
    content = f"{HEADER}\n{_pnr(17, 62)};Alva;Berg;;;;;;\n".encode()
    response = _import(client_for(coordinator), content)
    assert response.status_code == 302
    assert ImportBatch.objects.count() == 1
    assert scanner.streams == [content]


def test_an_infected_consent_scan_is_refused_and_no_file_is_kept(
    client_for, coach, municipality, scanner, settings
):
    youth = youth_make(municipality=municipality, coach=coach)
    consent = consent_make(youth, actor=coach)
    response = client_for(coach).post(
        reverse("plans:consent_paper", args=[youth.pk, consent.pk]),
        {
            "on": timezone.localdate().isoformat(),
            "version": consent.version,
            "scan": SimpleUploadedFile("blankett.pdf", b"%PDF-1.4\n" + EICAR),
        },
    )
    assert response.status_code == 400
    assert "Filen innehåller skadlig kod" in response.content.decode()
    consent = Consent.objects.get(pk=consent.pk)
    assert not consent.scan
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    assert (
        AuditEvent.objects.filter(
            action="denied", object_type="upload", user=coach, flagged=True
        ).count()
        == 1
    )


def test_uploads_are_refused_when_the_scanner_does_not_answer(
    client_for, coordinator, settings, caplog
):
    settings.KAA_CLAMD_URL = f"tcp://127.0.0.1:{_closed_port()}"
    content = f"{HEADER}\n{_pnr(17, 63)};Alva;Berg;;;;;;\n".encode()
    with caplog.at_level(logging.ERROR, logger="kaa.uploads"):
        response = _import(client_for(coordinator), content)
    assert "Filen kunde inte kontrolleras mot virus just nu" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert "virus scanner gave no answer" in caplog.text


def test_without_a_scanner_uploads_are_taken_and_check_deploy_warns(
    client_for, coordinator, settings
):
    from kaa.checks import kaa_deploy_checks

    settings.KAA_CLAMD_URL = ""
    content = f"{HEADER}\n{_pnr(17, 64)};Alva;Berg;;;;;;\n".encode()
    assert _import(client_for(coordinator), content).status_code == 302
    assert "kaa.W015" in [w.id for w in kaa_deploy_checks()]


def test_the_deploy_check_reads_the_setting_and_never_connects(settings):
    from kaa.checks import kaa_deploy_checks

    settings.KAA_CLAMD_URL = f"tcp://127.0.0.1:{_closed_port()}"
    assert "kaa.W015" not in [w.id for w in kaa_deploy_checks()]


def test_a_malformed_scanner_address_stops_the_start_with_its_name():
    from tests.kaa.test_platform import _manage

    result = _manage("check", DEBUG="false", SECRET_KEY="z" * 60, KAA_CLAMD_URL="clamd:3310")
    assert result.returncode != 0
    assert "Environment variable KAA_CLAMD_URL: expected tcp://host:port" in result.stderr


def test_every_file_field_of_every_form_is_scanned():
    from django import forms

    from kaa.uploads import ScannedFileField
    from tests.kaa.test_hostile_params import _form_fields

    unscanned = [
        name
        for name, field in _form_fields()
        if isinstance(field, forms.FileField) and not isinstance(field, ScannedFileField)
    ]
    assert not unscanned


# --- Size limits ---------------------------------------------------------------------------


def test_a_body_over_the_global_limit_is_refused_unread(client, settings):
    """The test client's body is a few bytes; one that says it is larger than the limit is
    answered before a byte of it is read (reading past the real end would fail the test)."""
    response = client.post(
        reverse("youth:import_upload"),
        {"reason": "1"},
        CONTENT_LENGTH=str(settings.KAA_MAX_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413
    assert "Det du skickade är för stort: högst 25 MB tas emot." in response.content.decode()
    # A page without uploads: its fields only (5 MB).
    response = client.post(
        reverse("kaa:login"),
        {"username": "x"},
        CONTENT_LENGTH=str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
    )
    assert response.status_code == 413
    assert "högst 5 MB" in response.content.decode()


def test_a_body_over_what_the_view_takes_is_refused_unread(
    client_for, coordinator, municipality, settings
):
    youth = youth_make(municipality=municipality)
    client = client_for(coordinator)
    # A page without uploads: its fields only.
    response = client.post(
        reverse("youth:edit", args=[youth.pk]),
        {"first_name": "x"},
        CONTENT_LENGTH=str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
    )
    assert response.status_code == 413
    # The consent scan: 10 MB and the fields.
    consent = consent_make(youth, actor=coordinator)
    response = client.post(
        reverse("plans:consent_paper", args=[youth.pk, consent.pk]),
        {"on": "2026-01-01"},
        CONTENT_LENGTH=str(16 * 2**20),
    )
    assert response.status_code == 413
    assert "högst 15 MB" in response.content.decode()


def test_a_file_over_the_view_limit_is_stopped_while_it_arrives(
    client_for, coach, municipality, settings
):
    """11 MB: within the body limit of the consent page (10 MB scan and 5 MB of fields), over
    its limit for the scan."""
    youth = youth_make(municipality=municipality, coach=coach)
    consent = consent_make(youth, actor=coach)
    big = SimpleUploadedFile("blankett.pdf", b"%PDF-1.4\n" + b"0" * (11 * 2**20))
    response = client_for(coach).post(
        reverse("plans:consent_paper", args=[youth.pk, consent.pk]),
        {"on": timezone.localdate().isoformat(), "version": consent.version, "scan": big},
    )
    assert response.status_code == 413
    assert "högst 10 MB" in response.content.decode()
    assert not Consent.objects.get(pk=consent.pk).scan


def test_a_page_without_uploads_takes_no_file(client_for, coordinator, municipality):
    youth = youth_make(municipality=municipality)
    response = client_for(coordinator).post(
        reverse("youth:note_add", args=[youth.pk]),
        {"text": "Hej", "bilaga": SimpleUploadedFile("a.txt", b"hej")},
    )
    assert response.status_code == 413
    assert "Den här sidan tar inte emot filer." in response.content.decode()
    assert not youth.notes.exists()


def test_the_settings_limit_what_is_kept_in_memory(settings):
    call_command("check")
    assert settings.FILE_UPLOAD_HANDLERS[0] == "kaa.uploads.LimitedUploadHandler"
    assert settings.KAA_MAX_REQUEST_BYTES >= 20 * 2**20 + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_an_upload_after_the_session_timed_out_goes_to_the_login_not_a_413(
    client_for, coordinator
):
    """The session timeout reads the POST (to keep a draft) before the URL is resolved: the
    upload limit of the page it was sent to still applies."""
    import datetime as dt

    import time_machine

    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = client_for(coordinator)
        client.get(reverse("youth:import_upload"))
        traveller.shift(dt.timedelta(hours=2))
        response = _import(client, f"{HEADER}\n".encode())
    assert response.status_code == 302
    assert "/konto/logga-in/" in response["Location"]
    assert not ImportBatch.objects.exists()
