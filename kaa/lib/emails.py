"""Outgoing e-mail to staff, one function per message (templates/emails/<name>-*.txt).

E-mails carry counts and links only, never a youth's name or personnummer: mail leaves the
access-controlled system (security.md §1.3c, rule 6)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


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
