"""The SS 12000 client against a real HTTP server on 127.0.0.1: paging, 401, 500 then a
retry, a timeout. The server checks every request against the OpenAPI description's
parameters and the bearer token, and every answer it serves against the Person and
Enrolment schemas (trimmed copy in files/ss12000_persons.schema.json)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from django.urls import reverse
from django.utils import timezone

from youth.identification import deliveries, services
from youth.identification.models import (
    EnrolmentRecord,
    Run,
    Source,
    SourceDelivery,
    Ss12000Connection,
)
from youth.identification.sources import ss12000
from youth.identification.tasks import identification_nightly

from .files import ENROLMENT_HEADER, born_aged, csv_file, pnr, post, ss_enrolment, ss_person
from .test_tasks import _population

SCHEMA = json.loads(
    (Path(__file__).parent / "files" / "ss12000_persons.schema.json").read_text(encoding="utf-8")
)
TOKEN = "test-token-abc"  # noqa: S105  (a test value)
TODAY = timezone.localdate()


def _validate_answer(document: dict[str, Any]) -> None:
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())


def _validate_query(query: dict[str, list[str]]) -> None:
    for name, values in query.items():
        if name not in SCHEMA["parameters"]:
            raise AssertionError(f"parameter {name} is not one of GET /persons's")
        schema = SCHEMA["parameters"][name]
        for value in values:
            jsonschema.validate(int(value) if schema["type"] == "integer" else value, schema)


class Ss12000Server:
    """Serves the scripted answers in order: (status, body or None, delay in seconds)."""

    def __init__(self, script: list[tuple[int, dict[str, Any] | None, float]]) -> None:
        self.script = list(script)
        self.requests: list[tuple[str, dict[str, list[str]], str]] = []
        self.problems: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (http.server's name)
                parts = urlsplit(self.path)
                query = parse_qs(parts.query, keep_blank_values=True)
                server.requests.append((parts.path, query, self.headers.get("Authorization", "")))
                try:
                    assert parts.path == "/v2.0/persons", parts.path
                    _validate_query(query)
                    if "pageToken" in query:
                        assert set(query) <= {"pageToken", "limit"}, query
                    if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                        self._answer(401, {"code": "unauthorized"}, 0)
                        return
                except (AssertionError, jsonschema.ValidationError) as exc:
                    server.problems.append(str(exc))
                    self._answer(400, {"code": "bad request"}, 0)
                    return
                status, body, delay = server.script.pop(0)
                if status == 200:
                    _validate_answer(body)
                self._answer(status, body, delay)

            def _answer(self, status: int, body: dict[str, Any] | None, delay: float) -> None:
                time.sleep(delay)
                payload = json.dumps(body or {}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v2.0"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Ss12000Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _page(persons: list[dict[str, Any]], token: str | None) -> dict[str, Any]:
    return {"data": persons, "pageToken": token}


def _person(number: str, *enrolments: dict[str, Any]) -> dict[str, Any]:
    person = ss_person(number, *enrolments)
    person["id"] = "5b0c41f6-2f3a-4b55-9f2e-" + number.rjust(12, "0")[-12:]
    return person


@pytest.fixture
def connection(municipality, monkeypatch):
    monkeypatch.setenv("KAA_SS12000_ASKERSUND", TOKEN)

    def make(url: str, **kwargs: Any) -> Ss12000Connection:
        return Ss12000Connection.objects.create(
            municipality=municipality,
            name="Skolsystemet",
            base_url=url,
            token_env="KAA_SS12000_ASKERSUND",
            **{"timeout_seconds": 2, "page_size": 2} | kwargs,
        )

    return make


def _numbers(count: int) -> list[str]:
    return [pnr(born_aged(17, TODAY)) for _ in range(count)]


def test_three_pages_are_followed_and_stored_as_the_snapshot(connection):
    a, b, c, d, e = _numbers(5)
    gy = ss_enrolment("GY", "2025-08-18")
    script = [
        (200, _page([_person(a, gy), _person(b, gy)], "page-2"), 0),
        (
            200,
            _page([_person(c, gy), _person(d, ss_enrolment("KOMVUX", "2026-01-10"))], "page-3"),
            0,
        ),
        (200, _page([_person(e, gy, ss_enrolment("GR", "2016-08-15", "2025-06-10"))], None), 0),
    ]
    with Ss12000Server(script) as server:
        conn = connection(server.url)
        delivery = deliveries.ss12000_pull(connection=conn, backoff=0)
    assert server.problems == []
    assert [r[1] for r in server.requests] == [
        {"relationship.entity.type": ["enrolment"], "limit": ["2"]},
        {"pageToken": ["page-2"], "limit": ["2"]},
        {"pageToken": ["page-3"], "limit": ["2"]},
    ]
    assert {r[2] for r in server.requests} == {f"Bearer {TOKEN}"}
    assert delivery.format == SourceDelivery.Format.SS12000_PULL
    assert (delivery.rows_read, delivery.rows_stored, delivery.error_count) == (6, 6, 0)
    stored = EnrolmentRecord.objects.filter(source__name="Skolsystemet")
    assert sorted(stored.values_list("personnummer", "school_type")) == sorted(
        [(a, "GY"), (b, "GY"), (c, "GY"), (d, "KOMVUX"), (e, "GY"), (e, "GR")]
    )
    assert stored.get(personnummer=e, school_type="GR").position == 5  # the fifth person
    conn.refresh_from_db()
    assert conn.last_error == ""
    assert conn.last_success_at is not None


def test_a_pull_replaces_the_previous_snapshot_of_its_source_only(connection, municipality):
    old, kept, new = _numbers(3)
    deliveries.enrolments_store(
        municipality=municipality,
        source_name="Skolsystemet",
        filename="x.csv",
        actor=None,
        stream=csv_file(ENROLMENT_HEADER, f"{old};1;GY;NA;2025-08-18;;N"),
    )
    deliveries.enrolments_store(
        municipality=municipality,
        source_name="Friskolan",
        filename="y.csv",
        actor=None,
        stream=csv_file(ENROLMENT_HEADER, f"{kept};1;GY;NA;2025-08-18;;N"),
    )
    with Ss12000Server(
        [(200, _page([_person(new, ss_enrolment("GY", "2025-08-18"))], None), 0)]
    ) as server:
        deliveries.ss12000_pull(connection=connection(server.url), backoff=0)
    assert set(EnrolmentRecord.objects.values_list("personnummer", flat=True)) == {kept, new}


def test_401_fails_cleanly_and_stores_nothing(connection, municipality, monkeypatch):
    before = pnr(born_aged(17, TODAY))
    deliveries.enrolments_store(
        municipality=municipality,
        source_name="Skolsystemet",
        filename="x.csv",
        actor=None,
        stream=csv_file(ENROLMENT_HEADER, f"{before};1;GY;NA;2025-08-18;;N"),
    )
    monkeypatch.setenv("KAA_SS12000_ASKERSUND", "expired-token")
    with Ss12000Server([]) as server:
        conn = connection(server.url)
        with pytest.raises(ss12000.Ss12000Error, match="401") as caught:
            deliveries.ss12000_pull(connection=conn, backoff=0)
    assert len(server.requests) == 1  # never retried
    assert "token saknas, är ogiltig eller har gått ut" in str(caught.value)
    assert list(EnrolmentRecord.objects.values_list("personnummer", flat=True)) == [before]
    assert SourceDelivery.objects.filter(source__name="Skolsystemet").count() == 1
    conn.refresh_from_db()
    assert "401" in conn.last_error
    assert conn.last_success_at is None


def test_500_then_success_is_retried(connection):
    number = pnr(born_aged(17, TODAY))
    script = [
        (500, {"code": "error"}, 0),
        (200, _page([_person(number, ss_enrolment("GY", "2025-08-18"))], None), 0),
    ]
    with Ss12000Server(script) as server:
        delivery = deliveries.ss12000_pull(connection=connection(server.url), backoff=0)
    assert len(server.requests) == 2
    assert server.problems == []
    assert delivery.rows_stored == 1


def test_a_failure_on_a_later_page_stores_nothing(connection):
    a, b = _numbers(2)
    gy = ss_enrolment("GY", "2025-08-18")
    script = [(200, _page([_person(a, gy)], "page-2"), 0), (503, None, 0), (503, None, 0)]
    with Ss12000Server(script) as server:
        with pytest.raises(ss12000.Ss12000Error, match="2 försök"):
            deliveries.ss12000_pull(connection=connection(server.url), attempts=2, backoff=0)
    assert not EnrolmentRecord.objects.exists()
    assert not Source.objects.filter(name="Skolsystemet").exists()


def test_a_server_that_does_not_answer_in_time_fails_after_the_retries(connection):
    script = [(200, _page([], None), 0.6), (200, _page([], None), 0.6)]
    with Ss12000Server(script) as server:
        conn = connection(server.url, timeout_seconds=0.1)
        started = time.monotonic()
        with pytest.raises(ss12000.Ss12000Error, match="inget svar inom 0.1 sekunder"):
            deliveries.ss12000_pull(connection=conn, attempts=2, backoff=0)
        assert time.monotonic() - started < 0.6 * 2
    assert len(server.requests) == 2
    conn.refresh_from_db()
    assert "svarade inte efter 2 försök" in conn.last_error


def test_the_token_is_read_only_from_a_kaa_ss12000_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "do-not-send")
    with pytest.raises(ss12000.Ss12000Error, match="KAA_SS12000_"):
        ss12000.token_from_env("SECRET_KEY")
    secret = tmp_path / "token"
    secret.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("KAA_SS12000_X_FILE", str(secret))
    assert ss12000.token_from_env("KAA_SS12000_X") == "from-a-file"
    with pytest.raises(ss12000.Ss12000Error, match="Ingen token"):
        ss12000.token_from_env("KAA_SS12000_UNSET")


def test_the_token_never_crosses_a_network_in_clear_or_follows_a_redirect():
    with pytest.raises(ss12000.Ss12000Error, match="https://"):
        ss12000.Client("http://skola.example.se/v2.0", TOKEN)

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.2:1/steal")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        client = ss12000.Client(
            f"http://127.0.0.1:{httpd.server_address[1]}", TOKEN, timeout=2, backoff=0
        )
        with pytest.raises(ss12000.Ss12000Error, match="302"):
            list(client.persons())
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_nightly_job_pulls_first_and_a_failing_source_is_shown(
    connection, municipality, client_for, coordinator, monkeypatch
):
    monkeypatch.setattr(services, "PULL_BACKOFF", 0)
    pupil, other = _numbers(2)
    _population(municipality, post(pupil), post(other))
    with Ss12000Server(
        [(200, _page([_person(pupil, ss_enrolment("GY", "2025-08-18"))], None), 0)]
    ) as server:
        conn = connection(server.url)
        assert identification_nightly() == "runs=1 failed=0"
    assert Run.objects.get(municipality=municipality).in_group == 1  # the pupil is in GY
    assert EnrolmentRecord.objects.filter(personnummer=pupil).exists()
    # The next night the school system is down: the pull fails and is recorded, and the run
    # still goes on with the stored snapshot (the pupil stays out of the group).
    conn.refresh_from_db()
    conn.base_url = "http://127.0.0.1:9/v2.0"  # nothing listens on the discard port
    conn.timeout_seconds = 0.2
    conn.save()
    tomorrow = TODAY + dt.timedelta(days=1)
    assert services.runs_nightly(on=tomorrow) == (1, 0)
    conn.refresh_from_db()
    assert "anslutningen misslyckades" in conn.last_error
    run = Run.objects.filter(municipality=municipality).first()
    assert run.on == tomorrow
    assert run.in_group == 1
    assert EnrolmentRecord.objects.filter(personnummer=pupil).exists()
    page = client_for(coordinator).get(reverse("youth:identification:queue")).content.decode()
    assert "Hämtningen från Skolsystemet misslyckades" in page
    assert "anslutningen misslyckades" in page
    assert "Körningen använder inskrivningarna från den senaste lyckade hämtningen" in page


def test_the_command_connects_a_municipality_and_pulls(municipality, monkeypatch):
    from io import StringIO

    from django.core.management import CommandError, call_command

    monkeypatch.setenv("KAA_SS12000_ASKERSUND", TOKEN)
    number = pnr(born_aged(17, TODAY))
    out = StringIO()
    with pytest.raises(CommandError, match="KAA_SS12000_"):
        call_command(
            "ss12000",
            "--municipality",
            "1882",
            "--name",
            "Skolsystemet",
            "--url",
            "https://skola.example.se/v2.0",
            "--token-env",
            "SECRET_KEY",
        )
    assert not Ss12000Connection.objects.exists()
    with Ss12000Server(
        [(200, _page([_person(number, ss_enrolment("GY", "2025-08-18"))], None), 0)]
    ) as server:
        call_command(
            "ss12000",
            "--municipality",
            "1882",
            "--name",
            "Skolsystemet",
            "--url",
            server.url,
            "--token-env",
            "KAA_SS12000_ASKERSUND",
            "--pull",
            stdout=out,
        )
    assert "pulled: 1 enrolments stored, 0 row errors" in out.getvalue()
    connection = Ss12000Connection.objects.get()
    assert connection.municipality == municipality
    assert connection.enabled
    call_command(
        "ss12000", "--municipality", "1882", "--name", "Skolsystemet", "--disable", stdout=out
    )
    connection.refresh_from_db()
    assert not connection.enabled
    assert services.ss12000_pulls(on=TODAY + dt.timedelta(days=1)) == (0, 0)
