"""deploy/prometheus/alerts.yml: a rule file Prometheus loads, naming only metrics /metrics
gives and, for the jobs, exactly the scheduled jobs (by the name their metrics carry)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from celery.schedules import crontab
from prometheus_client.parser import text_string_to_metric_families

from kaa.celery import app
from kaa.schedule import BEAT_SCHEDULE

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "prometheus-" + "a" * 40


def _rules() -> list[dict]:
    document = yaml.safe_load((ROOT / "deploy" / "prometheus" / "alerts.yml").read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def _rule(name: str) -> dict:
    return next(rule for rule in _rules() if rule["alert"] == name)


def _jobs_in(expr: str) -> set[str]:
    return set(re.search(r'job=~"([^"]+)"', expr).group(1).split("|"))


def _job_name(entry: dict) -> str:
    app.loader.import_default_modules()
    return app.tasks[entry["task"]].run.job_name


def test_every_rule_is_well_formed():
    rules = _rules()
    assert len({rule["alert"] for rule in rules}) == len(rules)
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert rule["expr"].strip()
        assert rule["labels"]["severity"] in ("warning", "critical")
        assert rule["annotations"]["summary"]
        if "for" in rule:
            assert re.fullmatch(r"\d+[smh]", rule["for"])
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]


def test_the_required_alerts_are_there():
    names = {rule["alert"] for rule in _rules()}
    assert {
        "KaaOutboxWaitingGrowing",
        "KaaOutboxFailed",
        "KaaNightlyJobNotRun",
        "KaaIdentificationSourceLate",
        "KaaDiskFilling",
        "KaaObjectStoreFilling",
        "KaaHigh5xxRate",
        "KaaCeleryQueueDeep",
    } <= names
    assert "26 * 3600" in _rule("KaaNightlyJobNotRun")["expr"]


def test_the_job_alerts_name_every_scheduled_job_by_its_metric_label():
    daily, weekday, weekly, frequent = set(), set(), set(), set()
    for entry in BEAT_SCHEDULE.values():
        schedule = entry["schedule"]
        name = _job_name(entry)
        if not isinstance(schedule, crontab):
            frequent.add(name)
        elif len(schedule.day_of_week) == 7:
            daily.add(name)
        elif len(schedule.day_of_week) == 5:
            weekday.add(name)
        else:
            weekly.add(name)
    assert _jobs_in(_rule("KaaNightlyJobNotRun")["expr"]) == daily
    assert _jobs_in(_rule("KaaWeekdayJobNotRun")["expr"]) == weekday
    assert _jobs_in(_rule("KaaWeeklyJobNotRun")["expr"]) == weekly
    assert _jobs_in(_rule("KaaFrequentJobStopped")["expr"]) == frequent


@pytest.fixture
def everything_reported(settings, municipality, client_for, coach):
    """State that makes every metric of /metrics appear at least once."""
    from pathlib import Path

    from kaa.tasks import login_attempts_purge_old
    from youth.identification.models import Source, Ss12000Connection

    settings.KAA_METRICS_TOKEN = TOKEN
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    Source.objects.create(municipality=municipality, kind="population", name="Navet")
    Ss12000Connection.objects.create(
        municipality=municipality,
        name="Skolsystemet",
        base_url="https://skola.example.se/ss12000/v2.0",
        token_env="KAA_SS12000_TEST",
    )
    login_attempts_purge_old()
    client_for(coach).get("/")


def test_every_kaa_metric_an_alert_names_is_reported(client, everything_reported):
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    reported = {
        sample.name
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }
    named = {name for rule in _rules() for name in re.findall(r"\bkaa_[a-z0-9_]+\b", rule["expr"])}
    assert named
    assert named <= reported, sorted(named - reported)
