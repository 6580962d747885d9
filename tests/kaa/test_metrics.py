"""/metrics: only for the monitoring token; request times and query counts by view name, and
the shared state (outbox, Celery queues in the real Redis, jobs' last success, identification
sources) read at each scrape."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path

import psycopg
import pytest
import redis
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from kaa.celery import app
from kaa.checks import kaa_deploy_checks
from kaa.lib.joblock import lock_key
from kaa.models import JobRun, OutboxItem

TOKEN = "prometheus-" + "m" * 40


@pytest.fixture
def token(settings):
    settings.KAA_METRICS_TOKEN = TOKEN
    return TOKEN


def _scrape(client) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(text: str, name: str, **labels: str) -> float | None:
    return _samples(text).get((name, tuple(sorted(labels.items()))))


# --- The token ------------------------------------------------------------------------------


def test_without_a_configured_token_there_is_no_endpoint(client, db, settings):
    settings.KAA_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer wrong", f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", TOKEN, f"Basic {TOKEN}"],
)
def test_a_wrong_or_missing_token_is_refused(client, db, token, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 403
    assert b"kaa_" not in response.content


def test_a_staff_session_is_no_token(client_for, admin_user, token):
    assert client_for(admin_user).get("/metrics").status_code == 403


def test_the_right_token_gets_the_metrics(client, db, token):
    body = _scrape(client)
    assert "# TYPE kaa_http_request_duration_seconds histogram" in body
    assert _value(body, "kaa_metrics_source_up", source="database") == 1
    assert _value(body, "kaa_metrics_source_up", source="broker") == 1


# --- Per request ----------------------------------------------------------------------------


def test_a_page_shows_up_as_its_view_with_time_and_queries(client_for, coach, token):
    before = _scrape(client_for(coach))
    labels = {"view": "kaa:home", "method": "GET"}
    count_before = _value(before, "kaa_http_request_duration_seconds_count", **labels) or 0
    queries_before = _value(before, "kaa_http_request_db_queries_sum", **labels) or 0
    assert client_for(coach).get(reverse("kaa:home")).status_code == 200
    after = _scrape(client_for(coach))
    assert _value(after, "kaa_http_request_duration_seconds_count", **labels) == count_before + 1
    assert _value(after, "kaa_http_request_duration_seconds_sum", **labels) > 0
    assert _value(after, "kaa_http_request_db_queries_sum", **labels) > queries_before
    assert _value(after, "kaa_http_responses_total", status="200", **labels) >= 1


def test_a_url_with_an_id_is_labelled_by_its_name_only(client, db, token):
    secret = uuid.uuid4().hex
    client.get(reverse("kaa:account_link", kwargs={"token": secret}))
    client.get(f"/finns-inte/{secret}/")
    body = _scrape(client)
    assert secret not in body
    link = {"view": "kaa:account_link", "method": "GET"}
    assert _value(body, "kaa_http_request_duration_seconds_count", **link) >= 1
    unresolved = {"view": "<unresolved>", "method": "GET", "status": "404"}
    assert _value(body, "kaa_http_responses_total", **unresolved) >= 1


# --- Shared state ---------------------------------------------------------------------------


def test_the_outbox_gauges_count_waiting_and_failed_items(client, db, token):
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    for _ in range(3):
        OutboxItem.objects.create(task="kaa.tasks.outbox_sweep", created_at=long_ago)
    OutboxItem.objects.create(task="kaa.tasks.outbox_sweep")  # the commit hook's turn still
    OutboxItem.objects.create(
        task="kaa.tasks.outbox_sweep", created_at=long_ago, published_at=timezone.now()
    )
    for _ in range(2):
        OutboxItem.objects.create(
            task="kaa.tasks.gone", created_at=long_ago, failed_at=timezone.now()
        )
    body = _scrape(client)
    assert _value(body, "kaa_outbox_waiting") == 3
    assert _value(body, "kaa_outbox_failed") == 2


@pytest.fixture
def own_queue(settings):
    """A Celery queue of this test's own in the real Redis (no worker consumes it)."""
    name = f"kaa-test-metrics-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.update(task_default_queue=name)
    try:
        yield name
    finally:
        app.conf.update(task_default_queue=previous)
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        keys = list(client.scan_iter(match=f"*{name}*"))
        if keys:
            client.delete(*keys)


def test_the_queue_depth_counts_messages_in_redis(client, db, token, own_queue):
    assert _value(_scrape(client), "kaa_celery_queue_length", queue=own_queue) == 0
    with warnings.catch_warnings():  # the tests' eager mode does not apply to send_task
        warnings.simplefilter("ignore")
        for _ in range(2):
            app.send_task("kaa.tasks.outbox_sweep", queue=own_queue)
        app.send_task("kaa.tasks.outbox_sweep", queue=own_queue, priority=9)
    assert redis.Redis.from_url(app.conf.broker_url).llen(own_queue) == 2  # a real message list
    assert _value(_scrape(client), "kaa_celery_queue_length", queue=own_queue) == 3


def test_a_broker_that_is_down_leaves_the_queues_out(client, db, token, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    body = _scrape(client)
    assert _value(body, "kaa_metrics_source_up", source="broker") == 0
    assert "kaa_celery_queue_length" not in body
    assert _value(body, "kaa_outbox_waiting") == 0  # the rest is still there


def test_a_job_run_through_single_run_records_its_success(client, db, token):
    from kaa.tasks import login_attempts_purge_old

    name = "kaa.tasks.login_attempts_purge_old"
    assert _value(_scrape(client), "kaa_job_last_success_timestamp_seconds", job=name) is None
    login_attempts_purge_old()
    value = _value(_scrape(client), "kaa_job_last_success_timestamp_seconds", job=name)
    assert value == pytest.approx(time.time(), abs=30)
    assert JobRun.objects.get(name=name).last_duration >= 0


def test_a_run_that_finds_another_active_records_nothing(db):
    from kaa.tasks import sessions_purge_expired

    name = "kaa.tasks.sessions_purge_expired"
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", lock_key(name))
        assert sessions_purge_expired() == "locked: another run is active"
    assert not JobRun.objects.filter(name=name).exists()


def test_identification_sources_report_their_last_delivery(client, municipality, token):
    from youth.identification.models import Source, SourceDelivery

    navet = Source.objects.create(
        municipality=municipality, kind="population", name="Navet", cadence_days=1
    )
    arrived = timezone.now() - dt.timedelta(hours=30)
    SourceDelivery.objects.create(source=navet, format="navet_changes", arrived_at=arrived)
    Source.objects.create(municipality=municipality, kind="enrolment", name="Skolsystemet")
    body = _scrape(client)
    labels = {"municipality": "1882", "kind": "population", "source": "Navet"}
    assert _value(
        body, "kaa_identification_source_last_delivery_timestamp_seconds", **labels
    ) == pytest.approx(arrived.timestamp())
    assert _value(body, "kaa_identification_source_expected_interval_seconds", **labels) == 86400
    never = {"municipality": "1882", "kind": "enrolment", "source": "Skolsystemet"}
    assert _value(body, "kaa_identification_source_last_delivery_timestamp_seconds", **never) == 0


# --- Several processes ----------------------------------------------------------------------


def _run(code: str, directory: Path) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    env["DJANGO_SETTINGS_MODULE"] = "kaa.settings_test"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_workers_observations_are_added_up_in_multiprocess_mode(tmp_path):
    """Two processes (gunicorn's workers) observe; the one scraped reports both."""
    observe = (
        "from kaa.metrics import REQUEST_DURATION\n"
        "REQUEST_DURATION.labels('kaa:home', 'GET').observe(0.2)\n"
    )
    _run(observe, tmp_path)
    scrape = (
        "import django; django.setup()\n"
        "from prometheus_client import generate_latest\n"
        "from kaa.metrics import scrape_registry\n"
        "print(generate_latest(scrape_registry()).decode())\n"
    )
    body = _run(observe + scrape, tmp_path)
    labels = {"view": "kaa:home", "method": "GET"}
    assert _value(body, "kaa_http_request_duration_seconds_count", **labels) == 2
    assert _value(body, "kaa_http_request_duration_seconds_sum", **labels) == pytest.approx(0.4)
    assert len(list(tmp_path.glob("histogram_*.db"))) == 2  # one file per process


# --- Deploy check ---------------------------------------------------------------------------


def test_check_deploy_warns_about_a_short_metrics_token(settings):
    settings.KAA_METRICS_TOKEN = "kort-token"
    assert "kaa.W041" in [w.id for w in kaa_deploy_checks()]
    settings.KAA_METRICS_TOKEN = TOKEN
    assert "kaa.W041" not in [w.id for w in kaa_deploy_checks()]
    settings.KAA_METRICS_TOKEN = ""  # no endpoint at all
    assert "kaa.W041" not in [w.id for w in kaa_deploy_checks()]
