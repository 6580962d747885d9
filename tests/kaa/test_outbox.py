"""The transactional outbox: no task for a rolled-back transaction, no task lost
while the broker is down, no task published twice; staff pages keep working meanwhile."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kaa import outbox
from kaa.celery import app
from kaa.models import OutboxItem
from outreach.models import ContactAttempt, OutgoingMessage
from tests.factories import wait_for, youth_make

LATER = dt.timedelta(minutes=2)


@contextmanager
def broker_down():
    """Point publishing at a port where nothing listens, as when Redis is stopped."""
    previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}

    def swap(**conf):
        app.conf.update(conf)
        app._pool = None  # the connection pools are built from broker_url on first use
        app.amqp._producer_pool = None

    swap(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    try:
        yield
    finally:
        swap(**previous)


@pytest.fixture
def not_eager():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@pytest.mark.django_db
def test_a_rolled_back_transaction_leaves_no_task(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                outbox.enqueue("kaa.tasks.sessions_purge_expired")
                raise RuntimeError("the rest of the save failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not OutboxItem.objects.exists()


@pytest.mark.django_db
def test_an_item_is_published_once_however_often_it_is_asked(monkeypatch, not_eager):
    sent = []
    monkeypatch.setattr(
        "kaa.tasks.sessions_purge_expired.apply_async", lambda **kwargs: sent.append(kwargs)
    )
    item = outbox.enqueue("kaa.tasks.sessions_purge_expired")
    assert outbox.publish(item.pk) is True
    assert outbox.publish(item.pk) is False
    assert outbox.sweep(now=timezone.now() + LATER) == 0
    assert len(sent) == 1
    item.refresh_from_db()
    assert item.published_at is not None
    assert item.attempts == 1


@pytest.mark.django_db
def test_the_sweeper_waits_for_the_commit_hook_and_forgets_old_items(monkeypatch, not_eager):
    sent = []
    monkeypatch.setattr(
        "kaa.tasks.sessions_purge_expired.apply_async", lambda **kwargs: sent.append(kwargs)
    )
    fresh = outbox.enqueue("kaa.tasks.sessions_purge_expired")
    assert outbox.sweep() == 0  # younger than SWEEP_AFTER: the commit hook's turn
    assert outbox.sweep(now=timezone.now() + LATER) == 1
    assert sent == [{"args": [], "kwargs": {}, "retry": False}]
    outbox.sweep(now=timezone.now() + outbox.KEEP_PUBLISHED + LATER)
    assert not OutboxItem.objects.filter(pk=fresh.pk).exists()


@pytest.mark.django_db
def test_a_claim_left_by_a_process_that_died_lapses(monkeypatch, not_eager):
    sent = []
    monkeypatch.setattr(
        "kaa.tasks.sessions_purge_expired.apply_async", lambda **kwargs: sent.append(kwargs)
    )
    live = outbox.enqueue("kaa.tasks.sessions_purge_expired")
    dead = outbox.enqueue("kaa.tasks.sessions_purge_expired")
    now = timezone.now()
    # One process is publishing `live` right now; the one that claimed `dead` died.
    OutboxItem.objects.filter(pk=live.pk).update(claimed_until=now + outbox.LEASE, attempts=1)
    OutboxItem.objects.filter(pk=dead.pk).update(
        claimed_until=now - dt.timedelta(seconds=1), attempts=1
    )
    assert outbox.sweep(now=now + LATER) == 1
    assert len(sent) == 1
    assert OutboxItem.objects.get(pk=dead.pk).published_at is not None
    assert OutboxItem.objects.get(pk=live.pk).published_at is None


@pytest.mark.django_db
def test_the_sweeper_stops_at_the_first_broker_error(monkeypatch, not_eager):
    from kombu.exceptions import OperationalError

    def down(**kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("kaa.tasks.sessions_purge_expired.apply_async", down)
    first = outbox.enqueue("kaa.tasks.sessions_purge_expired")
    second = outbox.enqueue("kaa.tasks.sessions_purge_expired")
    assert outbox.sweep(now=timezone.now() + LATER) == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempts, first.claimed_until, first.published_at) == (1, None, None)
    assert "Connection refused" in first.last_error
    assert second.attempts == 0  # not tried: the broker was just found down
    assert outbox.waiting() == 0  # younger than SWEEP_AFTER as seen from now


@pytest.mark.django_db
def test_an_item_that_can_not_be_sent_is_set_aside_and_does_not_block_the_rest(
    monkeypatch, not_eager, client, settings
):
    from django.core.management import call_command

    from kaa.models import AuditEvent

    sent = []
    monkeypatch.setattr(
        "kaa.tasks.sessions_purge_expired.apply_async", lambda **kwargs: sent.append(kwargs)
    )
    # Queued before an upgrade changed the task's arguments, and one whose task was renamed:
    # Celery's own argument check refuses the first, the import fails for the second.
    wrong_args = outbox.enqueue("reporting.tasks.board_report_build", 1)
    renamed = outbox.enqueue("reporting.tasks.no_such_task", 1)
    behind = outbox.enqueue("kaa.tasks.sessions_purge_expired")
    OutboxItem.objects.update(published_at=None, claimed_until=None)  # broker was down
    assert outbox.sweep(now=timezone.now() + LATER) == 1
    assert len(sent) == 1
    behind.refresh_from_db()
    assert behind.published_at is not None
    for item, error in ((wrong_args, "TypeError"), (renamed, "ImportError")):
        item.refresh_from_db()
        assert item.failed_at is not None
        assert item.published_at is None
        assert item.last_error.startswith(error)
    assert (
        AuditEvent.objects.filter(flagged=True, detail__startswith="outbox:misslyckades").count()
        == 2
    )
    # Set aside: not tried again by every sweep, counted apart, and /healthz says degraded.
    assert outbox.sweep(now=timezone.now() + 2 * LATER) == 0
    assert OutboxItem.objects.get(pk=renamed.pk).attempts == 1
    assert (outbox.waiting(), outbox.failed()) == (0, 2)
    settings.KAA_HEALTHZ_TOKEN = "monitoring-token"  # the counts are for monitoring only
    health = client.get("/healthz", headers={"Authorization": "Bearer monitoring-token"}).json()
    assert (health["status"], health["outbox_failed"]) == ("degraded", 2)
    # Once the cause is fixed, an operator puts them back in line.
    call_command("outbox_retry")
    assert outbox.failed() == 0
    assert (
        OutboxItem.objects.filter(failed_at__isnull=True, published_at__isnull=True).count() == 2
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_sms_asked_for_while_redis_is_down_is_sent_once_when_it_is_back(
    real_worker, client_for, coach, sms_dir
):
    youth = youth_make(municipality=coach.municipality, coach=coach, phone="070-111 22 33")
    client = client_for(coach)
    url = reverse("outreach:message_send", args=[youth.pk])
    with broker_down():
        response = client.post(
            url,
            {
                "channel": "sms",
                "body": "Hej, ring mig!",
                "key": "8d3c6f0e-4f5a-4bb8-9a51-2f7de1b6a222",
            },
            follow=True,
        )
        # The coach's work is saved and the page answers as usual.
        assert "Meddelandet är köat och skickas strax." in response.content.decode()
        message = OutgoingMessage.objects.get(youth=youth)
        item = OutboxItem.objects.get()
        assert (item.task, item.args) == ("outreach.tasks.send_message", [message.pk])
        assert item.published_at is None
        assert "OperationalError" in item.last_error
        # The sweeper, still without a broker, keeps it.
        assert outbox.sweep(now=timezone.now() + LATER) == 0
        assert client.get(reverse("youth:detail", args=[youth.pk])).status_code == 200
    message.refresh_from_db()
    assert message.status == "queued"
    assert not sms_dir.exists() or not list(sms_dir.glob("*.json"))

    # Redis is back: the next sweep publishes it and the worker sends it, once.
    assert outbox.sweep(now=timezone.now() + LATER) == 1
    assert wait_for(lambda: OutgoingMessage.objects.get(pk=message.pk).status == "sent")
    assert outbox.sweep(now=timezone.now() + LATER) == 0
    item.refresh_from_db()
    assert item.published_at is not None
    assert item.attempts == 3
    assert len(list(sms_dir.glob("*.json"))) == 1
    assert ContactAttempt.objects.filter(youth=youth, outcome="sent").count() == 1


def test_the_sweeper_is_on_the_schedule():
    from kaa.schedule import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["outbox-sweep"]["task"] == "kaa.tasks.outbox_sweep"
    assert BEAT_SCHEDULE["outbox-sweep"]["schedule"] <= 60


@pytest.mark.django_db
def test_with_redis_down_staff_log_in_browse_search_and_see_the_dashboard(
    client, settings, coach, manager
):
    """R-09: sessions are in the database, caches and rate limits fail open."""
    from tests.kaa.test_auth import _login

    dead = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": dead}
    }
    settings.KAA_RATELIMIT_REDIS_URL = dead
    settings.KAA_STATS_CACHE_SECONDS = 600  # the dashboard tries its (dead) cache
    youth = youth_make(municipality=coach.municipality, coach=coach, last_name="Redisson")
    with broker_down():
        settings.CELERY_BROKER_URL = dead  # what /healthz checks (after broker_down saved it)
        response = _login(client, coach.username)
        assert response.status_code == 302
        listing = client.get(reverse("youth:list"), {"q": "Redisson"})
        assert "Redisson" in listing.content.decode()
        detail = client.get(reverse("youth:detail", args=[youth.pk]))
        assert "Redisson" in detail.content.decode()
        client.post(reverse("kaa:logout"))
        _login(client, manager.username)
        dashboard = client.get(reverse("reporting:dashboard"))
        assert dashboard.status_code == 200
        assert "Ungdomar i KAA" in dashboard.content.decode()
        settings.KAA_HEALTHZ_TOKEN = "monitoring-token"  # the parts are for monitoring only
        health = client.get(
            "/healthz", headers={"Authorization": "Bearer monitoring-token"}
        ).json()
        assert (health["status"], health["broker"]) == ("degraded", "down")
        assert health["outbox_waiting"] == 0


@pytest.mark.django_db
def test_a_retry_asked_for_while_redis_is_down_waits_in_the_outbox(
    monkeypatch, coach, sms_dir, django_capture_on_commit_callbacks
):
    """The gateway fails and the broker is down at the same moment: Celery's own retry would
    drop the task (Reject); the outbox keeps the retry until the broker is back."""
    from outreach.messaging.gateways import TransientSendError
    from outreach.messaging.services import message_queue
    from outreach.tasks import send_message

    youth = youth_make(municipality=coach.municipality, coach=coach, phone="070-111 22 33")
    with broker_down():
        message = message_queue(youth=youth, channel="sms", body="Hej", staff=coach)

        class Down:
            def send(self, *, to, body, key):
                raise TransientSendError("gateway answered 503")

        monkeypatch.setattr("outreach.messaging.gateways.sms_backend", Down)
        with django_capture_on_commit_callbacks(execute=True):
            assert send_message.apply(args=[message.pk]).get() == "retry"
        retry = OutboxItem.objects.get(kwargs={"attempt": 1})
        assert (retry.task, retry.args) == ("outreach.tasks.send_message", [message.pk])
        assert retry.published_at is None
        assert "OperationalError" in retry.last_error
        assert timezone.now() < retry.not_before <= timezone.now() + dt.timedelta(minutes=1)
    message.refresh_from_db()
    assert message.status == "queued"
    # The broker and the gateway are back: the sweeper publishes the retry and it is sent.
    monkeypatch.undo()
    assert outbox.sweep(now=timezone.now() + LATER) >= 1
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(list(sms_dir.glob("*.json"))) == 1


@pytest.mark.django_db
def test_a_later_item_is_published_at_once_to_run_at_its_time(monkeypatch, not_eager):
    sent = []
    monkeypatch.setattr(
        "kaa.tasks.sessions_purge_expired.apply_async", lambda **kwargs: sent.append(kwargs)
    )
    item = outbox.enqueue_later("kaa.tasks.sessions_purge_expired", after=dt.timedelta(minutes=4))
    assert outbox.publish(item.pk) is True
    [published] = sent
    assert published["eta"] == item.not_before
    assert item.not_before - timezone.now() > dt.timedelta(minutes=3)
