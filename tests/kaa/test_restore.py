"""The restore drill's check: after a restore, and after migrating an old backup
to this version, no table has lost rows; a point-in-time restore matches exactly."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kaa.management.commands.kaa_snapshot import compare, snapshot
from tests.factories import youth_make
from youth.models import Note
from youth.notes.services import note_add

# The schema of the previous release: the migrations added since are undone, data kept.
# Every app that has had a migration since, the newest first.
PREVIOUS_RELEASE = [
    ("records", "zero"),
    ("reporting", "0003_contact_sums"),
    ("plans", "0002_school_notification"),
    ("outreach", "0009_eservice"),
    ("youth", "0006_gdpr"),
    ("kaa", "0004_audit_sample"),
]


@pytest.fixture
def data(municipality, coach, sms_dir, django_capture_on_commit_callbacks):
    from outreach.messaging.services import message_queue
    from tests.factories import plan_make

    youth = youth_make(
        municipality=municipality, coach=coach, last_name="Återställd", phone="070-111 22 33"
    )
    note_add(youth=youth, author=coach, text="Före säkerhetskopian")
    plan_make(youth, actor=coach, interventions=2)  # a consent, a plan, interventions
    with django_capture_on_commit_callbacks(execute=True):
        message_queue(youth=youth, channel="sms", body="Hej", staff=coach)  # sent
    return youth


@pytest.mark.django_db
def test_an_exact_restore_matches_and_a_lost_row_is_named(data, tmp_path, capsys):
    path = tmp_path / "before.json"
    call_command("kaa_snapshot", stdout=path.open("w"))
    call_command("kaa_snapshot", compare=str(path), exact=True)
    assert "stämmer med ögonblicksbilden" in capsys.readouterr().out
    Note.objects.all().delete()
    with pytest.raises(CommandError, match="1 avvikelser"):
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
        assert "version" not in old["plans_actionplan"]["filled"]
        assert old["youth_youth"]["rows"] == 1
        assert old["plans_intervention"]["rows"] == 2
        assert old["outreach_outgoingmessage"]["filled"]["external_id"] == 1
    finally:
        call_command("migrate", verbosity=0)
    errors, notes = compare(old, snapshot(), exact=False)
    assert errors == []
    assert not [n for n in notes if "kolumnen finns inte längre" in n]
    assert Note.objects.get().text == "Före säkerhetskopian"


@pytest.mark.django_db
def test_a_column_emptied_by_a_migration_is_an_error(data, tmp_path):
    from youth.models import Youth

    before = snapshot()
    Youth.objects.update(phone="")  # still filled in (not NULL): the same
    Youth.objects.update(former_school="")
    assert compare(before, snapshot(), exact=False)[0] == []
    Note.objects.update(corrects=None)
    before["youth_note"]["filled"]["corrects_id"] = 1  # as if a migration had emptied it
    errors, _notes = compare(before, snapshot(), exact=False)
    assert errors == ["youth_note.corrects_id: 0 ifyllda värden, 1 i ögonblicksbilden"]
