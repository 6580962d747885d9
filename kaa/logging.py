"""Keep personal data out of application logs (it belongs in the access-controlled audit log)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

from kaa.request_context import current_request_id, current_user_id, current_view

# Personnummer/samordningsnummer with or without century and separator: 6 or 8 digits,
# optional - or +, 4 digits. Also long digit runs that could be one.
_PERSONNUMMER_RE = re.compile(r"(?<!\d)(\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE_RE = re.compile(r"(?<![\w])(\+46|0)[\d -]{7,12}\d(?![\w])")
MASK = "[maskerat]"


def scrub(text: str) -> str:
    """Mask personnummer, e-mail addresses and phone numbers in a log line."""
    text = _PERSONNUMMER_RE.sub(MASK, text)
    text = _EMAIL_RE.sub(MASK, text)
    return _PHONE_RE.sub(MASK, text)


class ScrubPersonalDataFilter(logging.Filter):
    """Masks identifiers in every record and adds the request id for correlation, and the
    user's id and the view's name where a request has them (never the user's name)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        if not hasattr(record, "user_id"):
            record.user_id = current_user_id()
        if not hasattr(record, "view"):
            record.view = current_view()
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Exception texts can quote values (e.g. an IntegrityError's DETAIL line).
            exc = record.exc_info[1]
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = (record.exc_info[0], exc, None)
        return True


# The fields a JSON line may carry besides time, level, logger and message: only these, so
# that whatever else a caller passes in `extra` (which might be a name) is never written.
JSON_FIELDS = ("request_id", "user_id", "view", "method", "status", "duration_ms")
ALWAYS = frozenset({"request_id", "user_id"})  # null outside a request


class JsonFormatter(logging.Formatter):
    """One JSON object per record (KAA_LOG_FORMAT=json), for a log collector: time (UTC, ISO
    8601), level, logger, message, request_id, user_id and view where known; the request log
    line (kaa.request) adds method, status and duration_ms. Runs after
    ScrubPersonalDataFilter, which has masked the message and the exception's text."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in JSON_FIELDS:
            value = getattr(record, name, None)
            if value in ("", "-"):
                value = None
            if value is not None or name in ALWAYS:
                entry[name] = value
        if record.exc_text:
            entry["exception"] = record.exc_text
        elif record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)
