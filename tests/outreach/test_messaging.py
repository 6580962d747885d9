"""SMS and e-mail: sent once, logged, retried on gateway errors, never for a rolled-back save."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from outreach.letters import merge
from outreach.messaging.gateways import TransientSendError
from outreach.messaging.services import message_queue, message_send
from outreach.models import ContactAttempt, OutgoingMessage
from tests.factories import youth_make


@pytest.fixture(autouse=True)
def _sms_to_files(sms_dir):
    return sms_dir


@pytest.fixture
def eager_retries():
    """Eager tasks re-run their retries in place only when exceptions do not propagate."""
    from kaa.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


@pytest.fixture
def youth(municipality, coach):
    return youth_make(
        municipality=municipality, coach=coach, phone="070-111 22 33", email="alva@example.se"
    )


def test_an_sms_is_sent_after_commit_and_logged(
    youth, coach, sms_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(youth=youth, channel="sms", body="Hej! Ring oss.", staff=coach)
    message.refresh_from_db()
    assert message.status == "sent"
    files = list(sms_dir.glob("*.json"))
    assert len(files) == 1
    assert json.loads(files[0].read_text())["to"] == "070-111 22 33"
    attempt = ContactAttempt.objects.get(youth=youth)
    assert (attempt.channel, attempt.outcome, attempt.staff) == ("sms", "sent", coach)


def test_a_second_delivery_sends_nothing(
    youth, coach, sms_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(youth=youth, channel="sms", body="Hej", staff=coach)
    assert message_send(message.pk) == "already handled"
    assert len(list(sms_dir.glob("*.json"))) == 1
    assert ContactAttempt.objects.count() == 1


def _sending(message, *, by, lease):
    from django.utils import timezone

    OutgoingMessage.objects.filter(pk=message.pk).update(
        status="sending", claimed_by=by, claimed_until=timezone.now() + lease
    )


def test_a_message_in_flight_is_taken_over_only_by_its_own_redelivery_or_after_the_lease(
    youth, coach, sms_dir
):
    import datetime as dt

    from outreach.messaging.services import SEND_LEASE

    first = message_queue(youth=youth, channel="sms", body="Hej", staff=coach)  # not sent:
    second = message_queue(youth=youth, channel="sms", body="Hallå", staff=coach)  # no commit
    # The worker sending `first` died; the broker hands the same delivery back at once.
    _sending(first, by="task-1", lease=SEND_LEASE)
    assert message_send(first.pk, delivery="task-1") == "sent"
    # `second` is being sent by a live delivery: a second publication of it waits its turn ...
    _sending(second, by="task-2", lease=SEND_LEASE)
    with pytest.raises(TransientSendError, match="another delivery"):
        message_send(second.pk, delivery="task-3")
    assert len(list(sms_dir.glob("*.json"))) == 1
    # ... and takes over once the lease has lapsed (that worker is gone).
    _sending(second, by="task-2", lease=-dt.timedelta(seconds=1))
    assert message_send(second.pk, delivery="task-3") == "sent"
    assert message_send(second.pk, delivery="task-2") == "already handled"
    assert len(list(sms_dir.glob("*.json"))) == 2
    assert ContactAttempt.objects.filter(outcome="sent").count() == 2


def test_an_unexpected_gateway_error_is_retried_not_left_sending(
    youth, coach, monkeypatch, eager_retries, django_capture_on_commit_callbacks
):
    from outreach.messaging.gateways import Sent

    calls = []

    class Garbled:
        def send(self, *, to, body, key):
            calls.append(key)
            if len(calls) == 1:
                raise ValueError("gateway answered 200 with an HTML page")
            return Sent(external_id="ok-2")

    monkeypatch.setattr("outreach.messaging.gateways.sms_backend", Garbled)
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(youth=youth, channel="sms", body="Hej", staff=coach)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.external_id) == ("sent", 2, "ok-2")
    assert len(set(calls)) == 1  # the same idempotency key
    assert ContactAttempt.objects.filter(outcome="sent").count() == 1


def test_nothing_is_sent_for_a_rolled_back_save(
    youth, coach, sms_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                message_queue(youth=youth, channel="sms", body="Hej", staff=coach)
                raise RuntimeError("the rest of the save failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not OutgoingMessage.objects.exists()
    assert not list(sms_dir.glob("*.json"))


def test_transient_errors_retry_then_succeed_once(
    youth, coach, monkeypatch, eager_retries, django_capture_on_commit_callbacks
):
    calls = []

    class Flaky:
        def send(self, *, to, body, key):
            calls.append(key)
            if len(calls) < 3:
                raise TransientSendError("gateway answered 503")
            from outreach.messaging.gateways import Sent

            return Sent(external_id="ok-1")

    monkeypatch.setattr("outreach.messaging.gateways.sms_backend", Flaky)
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(youth=youth, channel="sms", body="Hej", staff=coach)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.external_id) == ("sent", 3, "ok-1")
    assert len(set(calls)) == 1  # the same idempotency key every time
    assert ContactAttempt.objects.filter(outcome="sent").count() == 1


def test_a_gateway_that_keeps_failing_marks_the_message_failed(
    youth, coach, monkeypatch, eager_retries, django_capture_on_commit_callbacks
):
    class Down:
        def send(self, *, to, body, key):
            raise TransientSendError("gateway unreachable: TimeoutError")

    monkeypatch.setattr("outreach.messaging.gateways.sms_backend", Down)
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(youth=youth, channel="sms", body="Hej", staff=coach)
    message.refresh_from_db()
    assert message.status == "failed"
    assert "TimeoutError" in message.last_error
    assert ContactAttempt.objects.get(youth=youth).outcome == "failed"


def test_the_http_gateway_gets_the_idempotency_key_and_retries_a_500(
    youth, coach, settings, eager_retries, django_capture_on_commit_callbacks
):
    seen = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append((self.headers["Idempotency-Key"], body["to"]))
            status = 500 if len(seen) == 1 else 200
            self.send_response(status)
            self.end_headers()
            self.wfile.write(json.dumps({"id": "gw-42"}).encode())

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.KAA_SMS_BACKEND = "outreach.messaging.gateways.HttpSmsBackend"
        settings.KAA_SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"
        with django_capture_on_commit_callbacks(execute=True):
            message = message_queue(youth=youth, channel="sms", body="Hej", staff=coach)
    finally:
        server.shutdown()
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.external_id == "gw-42"
    assert len(seen) == 2
    assert seen[0][0] == seen[1][0] == str(message.idempotency_key)


@pytest.mark.parametrize("name", ["FileSmsBackend", "HttpSmsBackend"])
def test_an_sms_backend_setting_with_the_old_path_still_works_and_warns(settings, name):
    """KAA_SMS_BACKEND set before the gateways moved to outreach.messaging.gateways."""
    from outreach.messaging import gateways

    settings.KAA_SMS_BACKEND = f"outreach.messaging.{name}"
    with pytest.warns(DeprecationWarning, match=f"outreach.messaging.gateways.{name}"):
        backend = gateways.sms_backend()
    assert type(backend) is getattr(gateways, name)


def test_email_goes_through_the_mail_backend(youth, coach, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message_queue(
            youth=youth, channel="email", subject="Hej", body="Vi hör av oss", staff=coach
        )
    assert mail.outbox[0].to == ["alva@example.se"]


def test_a_youth_without_a_phone_gets_a_clear_message(municipality, coach):
    youth = youth_make(municipality=municipality)
    with pytest.raises(ValidationError, match="inget telefonnummer"):
        message_queue(youth=youth, channel="sms", body="Hej", staff=coach)


def test_merge_fields_render_and_unknown_fields_are_refused(youth):
    assert (
        merge.render("Hej {fornamn}! /{kommun}", youth)
        == f"Hej {youth.first_name}! /Askersunds kommun"
    )
    with pytest.raises(ValidationError, match=r"Okända fält: \{namn\}"):
        merge.validate("Hej {namn}")
    with pytest.raises(ValidationError, match="klammer"):
        merge.validate("Hej {fornamn")


def test_protected_identity_never_fills_the_address(municipality):
    youth = youth_make(
        municipality=municipality, protected_identity=True, address="Hemliga vägen 1"
    )
    assert "Hemliga" not in merge.render("{adress} {postort}", youth)
