"""The restore drill's check (issue #11): after a restore, and after migrating an old backup
to this version, no table has lost rows; a point-in-time restore matches exactly."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kaa.management.commands.kaa_snapshot import compare, snapshot
from tests.factories import youth_make
from youth.models import Note
from youth.services import note_add

# The schema of the previous release: the migrations added since are undone, data kept.
PREVIOUS_RELEASE = [("kaa", "0004_audit_sample"), ("youth", "0006_gdpr"),
                    ("reporting", "0003_contact_sums")]
LATEST = [("kaa", None), ("youth", None), ("reporting", None)]


@pytest.fixture
def data(municipality, coach):
    youth = youth_make(municipality=municipality, coach=coach, last_name="Återställd")
    note_add(youth=youth, author=coach, text="Före säkerhetskopian")
    return youth


@pytest.mark.django_db
def test_an_exact_restore_matches_and_a_lost_row_is_named(data, tmp_path, capsys):
    path = tmp_path / "before.json"
    call_command("kaa_snapshot", stdout=path.open("w"))
    call_command("kaa_snapshot", compare=str(path), exact=True)
    assert "stämmer med ögonblicksbilden" in capsys.readouterr().out
    Note.objects.all().delete()
    with pytest.raises(CommandError, match="1 tabeller stämmer inte"):
        call_command("kaa_snapshot", compare=str(path), exact=True)
    assert "youth_note: 0 rader, 1 i ögonblicksbilden" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_changed_row_fails_only_the_exact_check(data, tmp_path):
    path = tmp_path / "before.json"
    path.write_text(json.dumps(snapshot()))
    note_add(youth=data, author=data.coach, text="Efter säkerhetskopian")
    call_command("kaa_snapshot", compare=str(path))  # more rows: work done since
    with pytest.raises(CommandError):
        call_command("kaa_snapshot", compare=str(path), exact=True)


@pytest.mark.django_db(transaction=True)
def test_an_old_backup_migrated_to_this_version_keeps_every_row(data, tmp_path):
    """Restore a backup of the previous release (simulated: this database migrated back to
    its schema, with its data), run the migrations, and compare."""
    try:
        for app, target in PREVIOUS_RELEASE:
            call_command("migrate", app, target, verbosity=0)
        old = snapshot()
        assert "kaa_outboxitem" not in old
        assert old["youth_youth"]["rows"] == 1
        call_command("migrate", verbosity=0)
    finally:
        for app, target in LATEST:
            call_command("migrate", app, *([target] if target else []), verbosity=0)
    errors, _notes = compare(old, snapshot(), exact=False)
    assert errors == []
    assert Note.objects.get().text == "Före säkerhetskopian"
