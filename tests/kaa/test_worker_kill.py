"""A worker process killed in the middle of a task: the task is delivered again
and finishes, and the SMS it was sending is not sent twice to the youth.

A real `celery worker` (prefork pool, one child) runs as a separate process against the test
database and Redis. The SMS gateway is a local HTTP server that holds the first request open
while the test kills the pool child with SIGKILL, as the kernel's OOM killer would. Celery
(acks_late, reject_on_worker_lost) puts the message back; the new child claims the message
again (status "sending" is claimable) and calls the gateway with the same Idempotency-Key,
which a real gateway uses to drop the duplicate.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from kaa.celery import app
from outreach.messaging.services import message_queue
from outreach.models import ContactAttempt, OutgoingMessage
from tests.factories import wait_for, youth_make

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class Gateway:
    """Records every request; holds the first one open until released."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.requests.append((self.headers["Idempotency-Key"], body["to"]))
                if len(gateway.requests) == 1:
                    gateway.first_arrived.set()
                    gateway.release.wait(30)
                try:
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(json.dumps({"id": f"gw-{len(gateway.requests)}"}).encode())
                except OSError:  # the caller was killed
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/sms"

    def __enter__(self) -> Gateway:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.fixture
def worker_process(transactional_db, tmp_path):
    """Start `celery worker` on a queue of its own; yields (queue, gateway)."""
    queue = f"kaa-kill-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    db = connection.settings_dict
    with Gateway() as gateway:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kaa.settings_test",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "REDIS_URL": django_settings.REDIS_URL,
            "KAA_SMS_BACKEND": "outreach.messaging.gateways.HttpSmsBackend",
            "KAA_SMS_URL": gateway.url,
        }
        log = (tmp_path / "worker.log").open("w")
        process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kaa",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--queues",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        previous = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
        app.conf.update(task_always_eager=False, task_default_queue=queue)
        try:
            assert wait_for(lambda: bool(_children(process.pid)), 60), "no pool child"
            yield process, gateway, tmp_path / "worker.log"
        finally:
            app.conf.update(previous)
            gateway.release.set()
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
            log.close()
            with app.connection_for_write() as conn:
                conn.default_channel.queue_purge(queue)


def test_a_task_cut_off_by_a_killed_worker_runs_again_and_the_sms_goes_once(worker_process, coach):
    process, gateway, log = worker_process
    youth = youth_make(municipality=coach.municipality, coach=coach, phone="070-111 22 33")
    message = message_queue(youth=youth, channel="sms", body="Hej, ring mig!", staff=coach)

    # The worker's child is in the middle of the send when it is killed.
    assert gateway.first_arrived.wait(60), log.read_text()[-3000:]
    [child] = _children(process.pid)
    assert OutgoingMessage.objects.get(pk=message.pk).status == "sending"
    os.kill(child, signal.SIGKILL)
    gateway.release.set()

    # Delivered again to a fresh child, which finishes the work.
    assert wait_for(lambda: OutgoingMessage.objects.get(pk=message.pk).status == "sent"), (
        log.read_text()[-3000:]
    )
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.external_id == "gw-2"
    assert process.poll() is None  # the worker itself lives on
    assert _children(process.pid)
    assert _children(process.pid) != [child]
    # Both calls carried the message's own key: the gateway sends the SMS once.
    key = str(message.idempotency_key)
    assert gateway.requests == [(key, "070-111 22 33"), (key, "070-111 22 33")]
    assert ContactAttempt.objects.filter(youth=youth, outcome="sent").count() == 1
    assert "WorkerLostError" in log.read_text() or "signal 9" in log.read_text()
