"""Outgoing e-mail to staff, one function per message (templates/emails/<name>-*.txt).

E-mails carry counts and links only, never a youth's name or personnummer: mail leaves the
access-controlled system (security.md §1.3c, rule 6)."""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import BadHeaderError, send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def _send(name: str, to: str, context: dict[str, Any]) -> None:
    subject = render_to_string(f"emails/{name}-subject.txt", context).strip()
    body = render_to_string(f"emails/{name}-body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)


def send_digest(*, to: str, context: dict[str, Any]) -> None:
    _send("digest", to, context)


def send_scb_draft(*, to: str, context: dict[str, Any]) -> None:
    _send("scb-draft", to, context)


def send_school_receipt(*, to: str, context: dict[str, Any]) -> None:
    """To school staff who sent a notice: its number and date, never the student."""
    _send("school-receipt", to, context)


def send_account_link(*, to: str, context: dict[str, Any]) -> None:
    """To a staff member's own address: the one-time link to choose a password and enrol an
    authenticator (kaa.accounts)."""
    _send("account-link", to, context)


def permanent_refusal(exc: BaseException) -> str:
    """Why this message can never be sent as it is (Django refused a header, or the mail server
    answered 5xx for it), for the person who sent it; "" when a later try may succeed (the
    server is down, busy or answered 4xx)."""
    if isinstance(exc, BadHeaderError):
        return _("Rubriken eller adressen innehåller en radbrytning.")
    if isinstance(exc, ValueError) and str(exc).startswith("Invalid address"):
        return _("Mottagarens adress är ogiltig.")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [answer[0] for answer in exc.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            return _("E-postservern tog inte emot mottagaren (svar %(code)s).") % {
                "code": codes[0]
            }
        return ""
    if (
        isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError))
        and 500 <= exc.smtp_code < 600
    ):
        return _("E-postservern tog inte emot meddelandet (svar %(code)s).") % {
            "code": exc.smtp_code
        }
    return ""
