"""The gateways that deliver SMS and e-mail: pluggable SMS backends and Django's mail.

`KAA_SMS_BACKEND` names the class: the file backend (development: one JSON file a message
under var/sms/) or the HTTP gateway adapter (production: `KAA_SMS_URL`, `KAA_SMS_TOKEN`,
`KAA_SMS_SENDER`). Every backend receives the message's idempotency key, so a gateway that
honours it never delivers twice. E-mail goes through Django's mail backend (EMAIL_URL).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib import error, request

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from kaa.lib.emails import permanent_refusal


class TransientSendError(Exception):
    """The gateway timed out or answered 5xx: try again later."""


class PermanentSendError(Exception):
    """The gateway refused the message (4xx): trying again will not help."""


@dataclass(frozen=True)
class Sent:
    external_id: str


class FileSmsBackend:
    """Writes each message to a file (development and the demo)."""

    def send(self, *, to: str, body: str, key: str) -> Sent:
        folder = Path(settings.KAA_SMS_FILE_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{key}.json"
        if not path.exists():  # the key makes a repeated call a no-op
            path.write_text(
                json.dumps({"to": to, "body": body}, ensure_ascii=False), encoding="utf-8"
            )
        return Sent(external_id=f"file:{key}")


class HttpSmsBackend:
    """A JSON HTTP gateway: POST {from, to, message} with the key as Idempotency-Key."""

    timeout = 10

    def send(self, *, to: str, body: str, key: str) -> Sent:
        if not settings.KAA_SMS_URL.startswith(("https://", "http://")):
            raise PermanentSendError("KAA_SMS_URL must be an http(s) URL")
        payload = json.dumps({"from": settings.KAA_SMS_SENDER, "to": to, "message": body})
        req = request.Request(  # noqa: S310  (the scheme is checked above)
            settings.KAA_SMS_URL,
            data=payload.encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.KAA_SMS_TOKEN}",
                "Idempotency-Key": key,
            },
        )
        try:
            with request.urlopen(req, timeout=self.timeout) as response:  # noqa: S310  # nosec B310
                answer = json.loads(response.read() or b"{}")
        except error.HTTPError as exc:
            if exc.code >= 500 or exc.code == 429:
                raise TransientSendError(f"gateway answered {exc.code}") from exc
            raise PermanentSendError(f"gateway refused the message ({exc.code})") from exc
        except (error.URLError, TimeoutError, OSError) as exc:
            raise TransientSendError(f"gateway unreachable: {exc.__class__.__name__}") from exc
        return Sent(external_id=str(answer.get("id", "")))


# Where the backends were before this module: a KAA_SMS_BACKEND that still names one of these
# works, with a DeprecationWarning that names the path to use instead.
MOVED_BACKENDS = {
    "outreach.messaging.FileSmsBackend": "outreach.messaging.gateways.FileSmsBackend",
    "outreach.messaging.HttpSmsBackend": "outreach.messaging.gateways.HttpSmsBackend",
}


def sms_backend() -> FileSmsBackend | HttpSmsBackend:
    path = settings.KAA_SMS_BACKEND
    if path in MOVED_BACKENDS:
        warnings.warn(
            f"KAA_SMS_BACKEND {path!r} has moved: set it to {MOVED_BACKENDS[path]!r}",
            DeprecationWarning,
            stacklevel=2,
        )
        path = MOVED_BACKENDS[path]
    return import_string(path)()


def send_email(*, to: str, subject: str, body: str, key: str) -> Sent:
    """A header Django refuses, or a 5xx from the mail server for this message, fails it for
    good; other mail server errors (SMTP errors are OSErrors) are tried again later."""
    message = EmailMessage(subject=subject, body=body, to=[to], headers={"X-KAA-Message-ID": key})
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        if reason := permanent_refusal(exc):
            raise PermanentSendError(reason) from exc
        if isinstance(exc, OSError):
            raise TransientSendError(f"mail server: {exc.__class__.__name__}") from exc
        raise
    return Sent(external_id=f"mail:{key}")
