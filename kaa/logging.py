"""Keep personal data out of application logs (it belongs in the access-controlled audit log)."""

from __future__ import annotations

import logging
import re

from kaa.request_context import current_request_id

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
    """Masks identifiers in every record and adds the request id for correlation."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
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
