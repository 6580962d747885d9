"""What keeps working when models, tasks and gallring hooks move between apps: the moved
models' content types (and with them their permissions), the Celery names and the old dotted
paths of the tasks, the job locks' names, the SCB files that reporting hands to gallring, and
the log's minimums under the old and the new labels."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.module_loading import import_string

from kaa import audit
from records.log_review.models import AuditSample, AuditSampleFinding
from records.register_extract.models import RegisterExtract
from records.retention import services as retention
from records.retention.models import RecordType, RetentionPolicy, RetentionRun

MOVED = {
    RetentionPolicy: "reporting",
    RetentionRun: "reporting",
    RegisterExtract: "reporting",
    AuditSample: "kaa",
    AuditSampleFinding: "kaa",
}


def test_the_moved_models_keep_their_tables():
    assert {model._meta.db_table for model in MOVED} == {
        "reporting_retentionpolicy",
        "reporting_retentionrun",
        "reporting_registerextract",
        "kaa_auditsample",
        "kaa_auditsamplefinding",
    }
    assert all(model._meta.app_label == "records" for model in MOVED)


@pytest.mark.django_db
def test_the_move_takes_the_content_type_and_its_permissions_along():
    migration = importlib.import_module("records.migrations.0001_initial")
    editor = SimpleNamespace(connection=connection)
    kind = ContentType.objects.get_for_model(RetentionRun)
    permission = Permission.objects.get(content_type=kind, codename="view_retentionrun")
    ContentType.objects.filter(pk=kind.pk).update(app_label="reporting")  # before the move
    ContentType.objects.clear_cache()
    migration.content_types_to_records(apps, editor)
    kind.refresh_from_db()
    assert kind.app_label == "records"
    permission.refresh_from_db()
    assert permission.content_type_id == kind.pk
    migration.content_types_back(apps, editor)
    kind.refresh_from_db()
    assert kind.app_label == "reporting"
    migration.content_types_to_records(apps, editor)
    ContentType.objects.clear_cache()


def test_every_moved_task_keeps_its_celery_name_and_its_old_dotted_path():
    for name in (
        "retention_propose",
        "retention_execute",
        "register_extract_build",
        "orphan_files_delete",
        "scb_file_build",
        "scb_drafts_build",
        "board_report_build",
        "board_reports_scheduled",
        "stats_rollup_days",
        "stats_rollup_refresh",
    ):
        assert import_string(f"reporting.tasks.{name}").name == f"reporting.tasks.{name}"
    assert import_string("records.retention.tasks.retention_execute").name == (
        "reporting.tasks.retention_execute"
    )
    assert import_string("records.register_extract.tasks.register_extract_build").name == (
        "reporting.tasks.register_extract_build"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "task",
    [
        "records.tasks.orphan_files_delete",
        "records.retention.tasks.retention_propose",
        "reporting.scb.tasks.scb_drafts_build",
        "reporting.stats.tasks.stats_rollup_refresh",
    ],
)
def test_a_moved_scheduled_job_takes_the_lock_of_its_old_path(task):
    """A worker still running the code from before the move holds the lock under the old
    path: the moved job sees it and does nothing."""
    from kaa.lib.joblock import lock_key
    from tests.reporting.test_task_idempotency import _other_session

    job = import_string(task)
    other = _other_session()
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", lock_key(job.name))
        assert job() == "locked: another run is active"
    finally:
        other.close()


def test_reporting_hands_its_scb_files_to_the_gallring_of_export_files():
    from reporting.scb.retention import files_due, files_empty

    assert retention.REGISTERED_DUE[RecordType.EXPORTS]["reporting.ScbFile"] is files_due
    assert retention.ACTIONS["reporting.ScbFile"] is files_empty


@pytest.mark.parametrize("model", list(MOVED))
def test_the_log_keeps_the_history_of_a_moved_model_under_both_labels(model):
    new = model._meta.label_lower
    old = f"{MOVED[model]}.{model._meta.model_name}"
    if old not in audit.AUDIT_MINIMUM_MONTHS_BY_OBJECT:
        assert new not in audit.AUDIT_MINIMUM_MONTHS_BY_OBJECT  # no minimum of its own
        return
    assert audit.AUDIT_MINIMUM_MONTHS_BY_OBJECT[new] == audit.AUDIT_MINIMUM_MONTHS_BY_OBJECT[old]
