"""KAA_LOG_FORMAT=json: one JSON object per line, with the request's id (the same as the
X-Request-ID answer header), the user's id (never a name) and, for the request log line, the
view, the status and the duration."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from kaa.logging import MASK, JsonFormatter, ScrubPersonalDataFilter

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_lines():
    """The JSON lines KAA's loggers write while the test runs (the console handler's filter and
    formatter, on a stream of the test's own)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubPersonalDataFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_the_request_line_carries_the_request_id_of_the_answer(client_for, coach, json_lines):
    response = client_for(coach).get(reverse("kaa:home"))
    assert response.status_code == 200
    lines = [line for line in json_lines() if line["logger"] == "kaa.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == coach.pk
    assert line["view"] == "kaa:home"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], int)
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO"
    assert line["time"].endswith("+00:00")
    text = json.dumps(line, ensure_ascii=False)
    assert coach.username not in text
    assert coach.first_name not in text
    assert coach.last_name not in text


def test_an_anonymous_request_has_no_user(client, db, json_lines):
    response = client.get(reverse("kaa:login"))
    line = next(line for line in json_lines() if line["logger"] == "kaa.request")
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] is None
    assert line["view"] == "kaa:login"


def test_a_line_outside_a_request_has_null_ids_and_masked_personal_data(json_lines):
    logging.getLogger("kaa.test").warning(
        "failed for %s", "199001011234", extra={"full_name": "Anna Andersson", "status": 3}
    )
    (line,) = json_lines()
    assert line["message"] == f"failed for {MASK}"
    assert line["request_id"] is None
    assert line["user_id"] is None
    assert line["status"] == 3
    assert "Anna" not in json.dumps(line)  # fields outside the known ones are never written


def test_an_exception_is_written_masked(json_lines):
    try:
        raise ValueError("Key (personnummer)=(199001011234) already exists")
    except ValueError:
        logging.getLogger("kaa.test").exception("boom")
    (line,) = json_lines()
    assert "ValueError" in line["exception"]
    assert "199001011234" not in line["exception"]


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kaa.settings_test", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_format_is_chosen_by_the_environment():
    code = "import logging; logging.getLogger('kaa.x').warning('hej 199001011234')"
    result = _python(code, KAA_LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["logger"] == "kaa.x"
    assert line["message"] == f"hej {MASK}"
    text = _python(code).stderr.strip().splitlines()[-1]  # the default: a line for people
    assert text.endswith(f"WARNING kaa.x [-] hej {MASK}")
    refused = _python(code, KAA_LOG_FORMAT="xml")
    assert refused.returncode != 0
    assert "KAA_LOG_FORMAT" in refused.stderr
