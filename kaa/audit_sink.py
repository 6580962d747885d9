"""A second, append-only copy of the audit log outside the database, so that whoever takes
over the database cannot rewrite what happened
(docs/adr/0004-audit-log-shipped-to-a-second-store.md).

`KAA_AUDIT_SINK` names one or more stores, comma-separated:

- `syslog+tcp://host:port` or `syslog+tls://host:port[?ca=/path/ca.pem]`: RFC 5424 messages
  with octet-counting framing (RFC 6587, RFC 5425), facility "log audit", to a log server;
- `syslog+udp://host:port`: the same, one datagram per event (UDP cannot tell whether an event
  arrived: for a relay on the same host only);
- `file:///path/audit.jsonl`: one JSON line per event, appended and synced (for a log agent
  to forward; make the file append-only, e.g. `chattr +a`).

Each message's content is the event as one JSON object (`event_json`), the same in every
store.

How nothing is lost: the log table itself is the outbox. It is append-only and every event is
committed with the change it records, so a request never talks to the log server. The job
`kaa.tasks.audit_ship` (every 10 seconds) sends each store the events after its cursor
(`AuditShipment`), in id order, and moves the cursor only after the store took them; if the
store is down, the job fails, the cursor stays, and the next run sends the same events again.
Ids are given out before commit, so an id below the cursor may commit late: an id missing
when later ones are sent waits in `pending` and is sent when it appears; after
`PENDING_WAIT` (longer than any transaction, which the task time limits bound) it is taken to
have been rolled back. Delivery is at least once: a receiver deduplicates by `id`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kaa.models import AuditEvent, AuditShipment

log = logging.getLogger(__name__)
SCHEMES = ("syslog+tcp", "syslog+tls", "syslog+udp", "file")
BATCH = 500
# A run stops starting new batches after this long (the job runs again 10 s later).
RUN_SECONDS = 40
# An id still missing after this long belonged to a transaction that rolled back: tasks are
# stopped after 30 minutes (CELERY_TASK_TIME_LIMIT) and requests after a minute.
PENDING_WAIT = dt.timedelta(hours=1)
MAX_GAP = 1000  # at most this many ids waited for before one event (more: not a transaction)
TIMEOUT = 10  # seconds to connect to or write to a store
CLOSE_WAIT = 2  # seconds to wait for a syslog server to close after the last message
FACILITY_LOG_AUDIT = 13  # RFC 5424 facility "log audit"
SEVERITY_NOTICE, SEVERITY_INFO = 5, 6


def event_json(event: AuditEvent) -> str:
    """The event as one line of JSON: every column of its row (a column added to the log is
    shipped too), the time in UTC."""
    values: dict[str, Any] = {
        field.attname: getattr(event, field.attname) for field in AuditEvent._meta.concrete_fields
    }
    values["at"] = event.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class Sink(Protocol):
    name: str

    def send(self, events: list[AuditEvent]) -> None:
        """Deliver all of `events` or raise OSError."""


def syslog_message(event: AuditEvent, hostname: str) -> bytes:
    """One RFC 5424 message: header, no structured data, the event's JSON as the message."""
    severity = SEVERITY_NOTICE if event.flagged else SEVERITY_INFO
    stamp = event.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    header = f"<{FACILITY_LOG_AUDIT * 8 + severity}>1 {stamp} {hostname} kaa - audit -"
    return f"{header} {event_json(event)}".encode()


def _hostname() -> str:
    name = socket.gethostname() or "-"
    return "".join(c for c in name if 33 <= ord(c) <= 126)[:255] or "-"


@dataclass
class SyslogSink:
    name: str
    host: str
    port: int
    transport: str  # "tcp", "tls" or "udp"
    ca_file: str | None = None

    def send(self, events: list[AuditEvent]) -> None:
        hostname = _hostname()
        messages = [syslog_message(event, hostname) for event in events]
        if self.transport == "udp":
            with socket.socket(self._family(), socket.SOCK_DGRAM) as sock:
                sock.settimeout(TIMEOUT)
                for message in messages:
                    sock.sendto(message, (self.host, self.port))
            return
        # Octet counting: each message preceded by its length in bytes and a space.
        stream = b"".join(str(len(m)).encode() + b" " + m for m in messages)
        with socket.create_connection((self.host, self.port), timeout=TIMEOUT) as raw:
            if self.transport == "tls":
                context = ssl.create_default_context(cafile=self.ca_file)
                with context.wrap_socket(raw, server_hostname=self.host) as tls:
                    tls.sendall(stream)
                return
            raw.sendall(stream)
            # Say we are done and wait briefly for the server to close in turn: a server that
            # died after accepting the connection answers with a reset (OSError: sent again
            # next time); one that keeps the connection open has taken the data all the same.
            raw.shutdown(socket.SHUT_WR)
            raw.settimeout(CLOSE_WAIT)
            try:
                while raw.recv(4096):
                    pass
            except TimeoutError:
                pass

    def _family(self) -> int:
        return socket.AF_INET6 if ":" in self.host else socket.AF_INET


@dataclass
class FileSink:
    name: str
    path: str

    def send(self, events: list[AuditEvent]) -> None:
        lines = "".join(event_json(event) + "\n" for event in events).encode()
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, lines)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def sink_from_url(url: str) -> Sink:
    """The store `url` names; ImproperlyConfigured if it names none."""
    parts = urlsplit(url.strip())
    if parts.scheme not in SCHEMES:
        raise ImproperlyConfigured(
            f"KAA_AUDIT_SINK: {url!r} is not one of {', '.join(s + '://' for s in SCHEMES)}"
        )
    if parts.scheme == "file":
        if not parts.path.startswith("/"):
            raise ImproperlyConfigured(f"KAA_AUDIT_SINK: {url!r} needs an absolute path")
        return FileSink(name=url, path=unquote(parts.path))
    if not parts.hostname or not parts.port:
        raise ImproperlyConfigured(f"KAA_AUDIT_SINK: {url!r} needs a host and a port")
    ca = parse_qs(parts.query).get("ca", [None])[0]
    return SyslogSink(
        name=url,
        host=parts.hostname,
        port=parts.port,
        transport=parts.scheme.removeprefix("syslog+"),
        ca_file=ca,
    )


def configured_sinks() -> list[Sink]:
    return [sink_from_url(url) for url in settings.KAA_AUDIT_SINK if url.strip()]


def ship(sink: Sink, *, batch: int = BATCH) -> int:
    """Send `sink` the next events after its cursor (at most `batch`), then move the cursor;
    returns how many were sent. Raises OSError, cursor unmoved, if the store fails."""
    with transaction.atomic():
        state = AuditShipment.objects.select_for_update().filter(sink=sink.name).first()
        if state is None:  # a new store gets the whole log there is
            oldest = AuditEvent.objects.order_by("pk").values_list("pk", flat=True).first()
            if oldest is None:
                return 0
            state = AuditShipment.objects.create(sink=sink.name, last_id=oldest - 1)
        now = timezone.now()
        pending = {int(pk): first for pk, first in state.pending}
        events = list(
            AuditEvent.objects.filter(Q(pk__gt=state.last_id) | Q(pk__in=pending)).order_by("pk")[
                :batch
            ]
        )
        if events:
            sink.send(events)  # raises: nothing below changes
        expected = state.last_id + 1
        for event in events:
            pending.pop(event.pk, None)
            if event.pk >= expected:
                # Ids skipped before an event written a while ago can no longer commit.
                if event.at >= now - PENDING_WAIT:
                    for missing in range(max(expected, event.pk - MAX_GAP), event.pk):
                        pending[missing] = now.isoformat()
                expected = event.pk + 1
        given_up = [
            pk
            for pk, first in pending.items()
            if dt.datetime.fromisoformat(first) < now - PENDING_WAIT
        ]
        for pk in given_up:
            del pending[pk]
        if given_up:
            log.info(
                "audit shipping to %s: %d ids never committed (rolled back)",
                sink.name,
                len(given_up),
            )
        state.last_id = max(state.last_id, expected - 1)
        state.pending = sorted([pk, first] for pk, first in pending.items())
        state.shipped += len(events)
        state.shipped_at = now if events else state.shipped_at
        state.failing_since, state.last_error = None, ""
        state.save()
    return len(events)


def ship_all(*, seconds: float = RUN_SECONDS) -> dict[str, int | str]:
    """The job: every configured store, batch after batch until it is up to date or the time
    is up. A store that fails is recorded (and logged as a warning) and tried again on the
    next run; the others go on. Returns the number sent, or the error, per store."""
    outcome: dict[str, int | str] = {}
    for sink in configured_sinks():
        started, sent = time.monotonic(), 0
        try:
            while time.monotonic() - started < seconds:
                number = ship(sink)
                sent += number
                if number < BATCH:
                    break
        except OSError as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
            log.warning(
                "audit shipping to %s failed (%s); the next run sends the same events",
                sink.name,
                type(exc).__name__,
            )
            state, _created = AuditShipment.objects.get_or_create(sink=sink.name)
            state.failing_since = state.failing_since or timezone.now()
            state.last_error = error
            state.save(update_fields=["failing_since", "last_error"])
            outcome[sink.name] = error
            continue
        outcome[sink.name] = sent
    return outcome
