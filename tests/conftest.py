"""Shared fixtures: named personas (a coordinator, coaches of two teams, a manager, an admin, staff
of another municipality) that the role matrix and the feature tests share."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client

from kaa.celery import app
from tests._reuse_db import fingerprint_store, kept_databases_are_current
from tests.factories import MunicipalityFactory, TeamFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_createdb(request, django_db_modify_db_settings, django_db_blocker) -> bool:
    """Build the test databases afresh when asked to, or when a kept one was built from other
    migrations than those on disk (``--reuse-db`` alone would fail on its history)."""
    if request.config.getvalue("create_db"):
        return True
    with django_db_blocker.unblock():
        return not kept_databases_are_current()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The databases pytest-django set up, marked with the migrations they were built from."""
    with django_db_blocker.unblock():
        fingerprint_store()


@pytest.fixture(autouse=True)
def _swedish():
    """Each test starts in Swedish (a request in English must not leak into the next test)."""
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded scans and generated SCB files go to a throwaway directory, never the checkout."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _ratelimits_per_test(settings):
    """Each test counts in its own rate-limit keys (in the real Redis): tests run in parallel
    from the same address and must not throttle each other."""
    import uuid

    settings.KAA_RATELIMIT_PREFIX = f"kaa:test:{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests empty every table, data-migration rows included: put the shipped
    reference lists back for every test that uses the database."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif "db" in request.fixturenames or marker:
        request.getfixturevalue("db")
    else:
        return
    from youth.models import OccupationType, Reason
    from youth.reference import reference_data_ensure

    reference_data_ensure(Reason, OccupationType)


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(code="1882", name="Askersund")


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(code="1494", name="Lidköping")


@pytest.fixture
def team(municipality):
    return TeamFactory(municipality=municipality, name="Team Norr")


@pytest.fixture
def other_team(municipality):
    return TeamFactory(municipality=municipality, name="Team Söder")


@pytest.fixture
def coordinator(municipality):
    return UserFactory(username="sara", role="coordinator", municipality=municipality)


@pytest.fixture
def coach(team):
    return UserFactory(username="omar", role="coach", municipality=team.municipality, team=team)


@pytest.fixture
def colleague(team):
    """A coach in the same team as `coach`."""
    return UserFactory(username="elin", role="coach", municipality=team.municipality, team=team)


@pytest.fixture
def other_team_coach(other_team):
    return UserFactory(
        username="jonas", role="coach", municipality=other_team.municipality, team=other_team
    )


@pytest.fixture
def manager(municipality):
    return UserFactory(username="maria", role="manager", municipality=municipality)


@pytest.fixture
def admin_user(municipality):
    return UserFactory(username="anders", role="admin", municipality=municipality)


@pytest.fixture
def stranger_coordinator(other_municipality):
    """A coordinator of another municipality."""
    return UserFactory(username="fatima", role="coordinator", municipality=other_municipality)


def verified_client(user) -> Client:
    """A client logged in with password and, where the role needs it, a second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for():
    return verified_client


@pytest.fixture
def real_worker(settings):
    """A Celery worker thread consuming from a queue of its own through the real Redis."""
    # Each xdist process gets its own queue, so parallel test runs never steal each other's tasks.
    queue = f"kaa-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    previous = {
        key: app.conf[key] for key in ("task_always_eager", "task_default_queue", "result_backend")
    }
    app.conf.update(
        task_always_eager=False, task_default_queue=queue, result_backend=settings.REDIS_URL
    )
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10
        ):
            yield queue
    finally:
        app.conf.update(previous)


@pytest.fixture
def sms_dir(settings, tmp_path):
    """SMS written as files in a directory of the test's own (the file backend)."""
    settings.KAA_SMS_FILE_DIR = str(tmp_path / "sms")
    settings.KAA_SMS_BACKEND = "outreach.messaging.gateways.FileSmsBackend"
    return Path(settings.KAA_SMS_FILE_DIR)


class ObjectStore:
    """A bucket of its own on the S3-compatible test server, and a client to look into it."""

    def __init__(self, endpoint: str, bucket: str) -> None:
        import boto3
        from botocore.config import Config

        self.endpoint, self.bucket = endpoint, bucket
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=S3_REGION,
            aws_access_key_id="kaa-test",
            aws_secret_access_key="kaa-test-secret",
            config=Config(s3={"addressing_style": "path"}),
        )

    def keys(self, prefix: str = "") -> list[str]:
        answer = self.client.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(o["Key"] for o in answer.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()


S3_REGION = "eu-north-1"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (moto's, a process of its own) on a free loopback port for
    the test session: the storage is spoken to over HTTP, as to any object store."""
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    for _attempt in range(3):
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        endpoint = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while server.poll() is None and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{endpoint}/", timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        else:
            server.kill()
            server.wait()
            continue  # the port was taken meanwhile, or the server did not come up
        try:
            yield endpoint
        finally:
            server.terminate()
            server.wait(timeout=10)
        return
    pytest.fail("the S3 test server did not start")


@pytest.fixture
def s3_storage(settings, monkeypatch, s3_server) -> ObjectStore:
    """Stored files in a new bucket of the S3 test server, configured exactly as production is:
    through the KAA_STORAGE / KAA_S3_* variables and kaa.settings.media_storage()."""
    import uuid

    from kaa.settings import media_storage

    store = ObjectStore(s3_server, f"kaa-test-{uuid.uuid4().hex[:12]}")
    store.client.create_bucket(
        Bucket=store.bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION}
    )
    for name, value in {
        "KAA_STORAGE": "s3",
        "KAA_S3_BUCKET": store.bucket,
        "KAA_S3_ENDPOINT_URL": s3_server,
        "KAA_S3_REGION": S3_REGION,
        "KAA_S3_ACCESS_KEY_ID": "kaa-test",
        "KAA_S3_SECRET_ACCESS_KEY": "kaa-test-secret",
        "KAA_S3_ADDRESSING_STYLE": "path",
    }.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": media_storage()}
    return store
