"""A client for clamd's INSTREAM command (ClamAV's daemon), for scanning uploads.

The protocol (clamd(8)): connect to clamd's TCP port or local socket and send the command
`zINSTREAM\\0` (the `z` prefix: the command and the reply end in a NUL byte). Then the data, in
chunks, each a 4-byte unsigned length in network byte order followed by that many bytes, and a
chunk of length zero to end. clamd answers `stream: OK`, `stream: <signature> FOUND`, or a text
ending in `ERROR` (e.g. `INSTREAM size limit exceeded. ERROR` when the data is longer than its
StreamMaxLength), and closes the connection.

Every failure to get an answer (no connection, a timeout, an ERROR, a reply not understood) is
ScannerUnavailable: the caller decides what that means (KAA refuses the upload).
"""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096


class ScannerUnavailable(Exception):
    """No verdict: clamd could not be reached, did not answer in time, or reported an error."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str = ""  # the name clamd gives what it found


def parse_url(url: str) -> tuple[int, str | tuple[str, int]]:
    """(socket family, address) of `tcp://host:port`, `unix:///path` or a socket's path.
    ValueError for anything else."""
    if url.startswith("/"):
        return socket.AF_UNIX, url
    parts = urlsplit(url)
    if parts.scheme == "unix" and parts.path:
        return socket.AF_UNIX, parts.path
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        return socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET, (
            parts.hostname,
            parts.port,
        )
    raise ValueError("expected tcp://host:port, unix:///path/to/clamd.sock or /path/to/socket")


def _chunks(data: bytes | BinaryIO | Iterable[bytes]) -> Iterable[bytes]:
    if isinstance(data, (bytes, bytearray, memoryview)):
        view = memoryview(data)
        for start in range(0, len(view), CHUNK_BYTES):
            yield bytes(view[start : start + CHUNK_BYTES])
    elif hasattr(data, "read"):
        while chunk := data.read(CHUNK_BYTES):
            yield chunk
    else:
        yield from data


def _reply(sock: socket.socket, deadline: float) -> str:
    received = b""
    while not received.endswith(b"\0") and len(received) < MAX_REPLY_BYTES:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        part = sock.recv(MAX_REPLY_BYTES)
        if not part:
            break
        received += part
    return received.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan(data: bytes | BinaryIO | Iterable[bytes], *, url: str, timeout: float = 30.0) -> Verdict:
    """Stream `data` (bytes, a file open for reading in binary, or chunks) to clamd at `url`;
    the whole exchange must finish within `timeout` seconds."""
    try:
        family, address = parse_url(url)
    except ValueError as exc:
        raise ScannerUnavailable(f"bad scanner address: {exc}") from exc
    deadline = time.monotonic() + timeout
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(address)
            sock.sendall(b"zINSTREAM\0")
            try:
                for chunk in _chunks(data):
                    if time.monotonic() > deadline:
                        raise TimeoutError("scan took too long")
                    sock.settimeout(max(0.01, deadline - time.monotonic()))
                    sock.sendall(struct.pack("!I", len(chunk)) + chunk)
                sock.sendall(struct.pack("!I", 0))
            except (BrokenPipeError, ConnectionResetError):
                pass  # clamd stopped reading (e.g. over its size limit): its reply says why
            answer = _reply(sock, deadline)
    except OSError as exc:  # refused, unreachable, timed out (TimeoutError is an OSError)
        raise ScannerUnavailable(f"{type(exc).__name__}: {exc}") from exc
    return _verdict(answer)


def _verdict(answer: str) -> Verdict:
    text = answer.removeprefix("stream:").strip()
    if text == "OK":
        return Verdict(clean=True)
    if text.endswith(" FOUND"):
        return Verdict(clean=False, signature=text.removesuffix(" FOUND").strip())
    raise ScannerUnavailable(f"clamd answered {answer[:200]!r}")
