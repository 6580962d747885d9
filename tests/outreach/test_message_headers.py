"""E-mail headers: a line break in a subject is refused at the form; a message the mail backend
refuses for good fails once, visibly, instead of being retried."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from kaa.models import OutboxItem
from outreach.messaging.services import message_queue
from outreach.models import ContactAttempt, MessageTemplate, OutgoingMessage
from tests.factories import youth_make

INJECTED = "Hej\r\nBcc: spion@example.com"


@pytest.fixture
def youth(municipality, coach):
    return youth_make(municipality=municipality, coach=coach, email="alva@example.se")


@pytest.fixture
def eager_retries():
    """Retries run in place (through the outbox) instead of propagating."""
    from kaa.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


class Refusing(BaseEmailBackend):
    """A mail server that answers every recipient with `code`."""

    code = 550

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused(
            {m.to[0]: (self.code, b"5.1.1 mailbox unavailable") for m in messages}
        )


class Busy(Refusing):
    code = 450


@pytest.mark.parametrize("subject", [INJECTED, "Hej\nBcc: x", "Hej\rx", "Hej\u2028x"])
def test_a_subject_with_a_line_break_is_refused_at_the_form_with_the_input_kept(
    client_for, coach, youth, subject
):
    response = client_for(coach).post(
        reverse("outreach:message_send", args=[youth.pk]),
        {"channel": "email", "subject": subject, "body": "Ring oss gärna i veckan."},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Får inte innehålla radbrytningar eller andra styrtecken" in body
    assert "Ring oss gärna i veckan." in body
    assert not OutgoingMessage.objects.exists()
    assert mail.outbox == []


def test_a_template_subject_with_a_line_break_is_refused(client_for, coordinator):
    response = client_for(coordinator).post(
        reverse("outreach:template_new"),
        {
            "kind": "email",
            "name": "Inbjudan",
            "subject": INJECTED,
            "body": "Hej {fornamn}",
            "is_active": "on",
        },
    )
    assert "Får inte innehålla radbrytningar eller andra styrtecken" in response.content.decode()
    assert not MessageTemplate.objects.filter(name="Inbjudan").exists()


def test_the_service_refuses_a_subject_with_a_line_break_too(youth, coach):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        message_queue(youth=youth, channel="email", subject=INJECTED, body="Hej", staff=coach)


def _sent_once_and_failed(message, reason: str) -> None:
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.attempts == 1  # tried once, not retried
    assert reason in message.last_error
    assert OutboxItem.objects.filter(task="outreach.tasks.send_message").count() == 1
    attempt = ContactAttempt.objects.get(youth=message.youth)
    assert attempt.outcome == "failed"
    assert reason in attempt.note


def test_a_message_the_backend_refuses_with_bad_header_error_fails_once_visibly(
    youth, coach, client_for, eager_retries, django_capture_on_commit_callbacks
):
    # Stored before subjects were checked (or by any other way round the form).
    with django_capture_on_commit_callbacks(execute=True):
        message = OutgoingMessage.objects.create(
            youth=youth,
            channel="email",
            recipient=youth.email,
            subject=INJECTED,
            body="Hej",
            created_by=coach,
        )
        from kaa import outbox

        outbox.enqueue("outreach.tasks.send_message", message.pk)
    assert mail.outbox == []
    _sent_once_and_failed(message, "Rubriken eller adressen innehåller en radbrytning.")
    tab = client_for(coach).get(reverse("outreach:youth_tab", args=[youth.pk]))
    assert (
        'Misslyckades: <span class="text-danger">Rubriken eller adressen innehåller en '
        "radbrytning." in tab.content.decode()
    )


def test_a_recipient_the_mail_server_refuses_fails_once(
    youth, coach, settings, eager_retries, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(
            youth=youth, channel="email", subject="Hej", body="Hej", staff=coach
        )
    _sent_once_and_failed(message, "E-postservern tog inte emot mottagaren (svar 550).")


def test_a_busy_mail_server_is_tried_again(
    youth, coach, settings, eager_retries, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.Busy"
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(
            youth=youth, channel="email", subject="Hej", body="Hej", staff=coach
        )
    message.refresh_from_db()
    assert message.attempts > 1
    assert message.status == "failed"  # after the last retry
    assert "SMTPRecipientsRefused" in message.last_error


def test_a_school_receipt_the_mail_server_refuses_is_not_retried(
    settings, municipality, monkeypatch
):
    from plans import tasks

    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    retries = []
    monkeypatch.setattr("kaa.outbox.retry_later", lambda *a, **k: retries.append(a))
    monkeypatch.setattr(
        "plans.school.services.receipt_send",
        lambda notice_id: mail.send_mail(
            "Kvitto", "Nr 1", "kaa@example.se", ["rektor@skola.example"]
        ),
    )
    assert tasks.school_receipt_send(1) is False
    assert retries == []
