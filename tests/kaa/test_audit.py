"""The audit log: append-only, written on reads, searchable by coordinators only."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory
from django.urls import reverse

from kaa.audit import audit_event, shown
from kaa.models import AUDIT_IS_APPEND_ONLY, AuditEvent


@pytest.fixture
def event(coach):
    return AuditEvent.objects.create(
        action="read",
        user=coach,
        username=coach.username,
        municipality=coach.municipality,
        youth_id=7,
    )


def test_it_refuses_updates_through_the_model(event):
    event.detail = "changed"
    with pytest.raises(PermissionError, match="append-only"):
        event.save()


def test_it_refuses_deletes_through_the_orm(event):
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="x")
    assert AUDIT_IS_APPEND_ONLY


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE kaa_auditevent SET detail = 'forged' WHERE id = %s",
        "DELETE FROM kaa_auditevent WHERE id = %s",
    ],
)
def test_it_refuses_raw_sql_changes_in_the_database(event, sql):
    with (
        pytest.raises((DatabaseError, InternalError, IntegrityError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.detail == ""


def test_the_tables_owner_deletes_only_with_the_switch_on(event):
    """As the purge function does; the application's role may not (tests/kaa/test_db_roles.py).
    Here the suite's superuser owns the table."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL kaa.audit_purge = 'on'")
        cursor.execute("DELETE FROM kaa_auditevent WHERE id = %s", [event.pk])
    assert not AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_records_who_what_when_and_where(coach, django_assert_num_queries):
    request = RequestFactory().get("/ungdomar/1/", REMOTE_ADDR="10.1.2.3")
    request.user = coach
    with django_assert_num_queries(1):
        shown(request, coach, what="ungdom")
    logged = AuditEvent.objects.get()
    assert logged.user == coach
    assert logged.username == "omar"
    assert logged.role == "coach"
    assert logged.municipality_id == coach.municipality_id
    assert logged.action == "read"
    assert logged.object_type == "kaa.user"
    assert logged.object_id == str(coach.pk)
    assert logged.path == "/ungdomar/1/"
    assert logged.at is not None


def test_the_middleware_stamps_ip_and_request_id(client_for, coordinator):
    response = client_for(coordinator).get(reverse("records:audit_list"), REMOTE_ADDR="10.9.8.7")
    logged = AuditEvent.objects.filter(detail="loggkontroll").get()
    assert logged.ip == "10.9.8.7"
    assert logged.request_id == response["X-Request-ID"]


def test_the_audit_page_searches_by_youth_and_staff(client_for, coordinator, coach, colleague):
    for youth_id, user in [(11, coach), (12, colleague), (11, colleague)]:
        audit_event(
            action="read",
            user=user,
            object_type="youth.youth",
            object_id=youth_id,
            youth_id=youth_id,
        )
    client = client_for(coordinator)
    body = client.get(reverse("records:audit_list"), {"youth": 11}).content.decode()
    # The two reads of youth 11, and this search of youth 11's log, which is logged too.
    assert "3 händelser" in body
    # Named in words: the model's Swedish name, never "youth.youth #11".
    assert body.count("<td>Ungdom</td>") == 2
    assert "youth.youth" not in body
    body = client.get(
        reverse("records:audit_list"), {"youth": 11, "staff": coach.pk}
    ).content.decode()
    assert "1 händelse" in body
    assert coach.get_full_name() in body


def test_the_audit_page_never_shows_another_municipality(
    client_for, coordinator, stranger_coordinator
):
    audit_event(
        action="read",
        user=stranger_coordinator,
        object_type="youth.youth",
        object_id=99,
        youth_id=987654,
    )
    body = client_for(coordinator).get(reverse("records:audit_list")).content.decode()
    assert "987654" not in body
    assert stranger_coordinator.get_full_name() not in body


def test_the_audit_page_rejects_an_inverted_date_range(client_for, coordinator):
    response = client_for(coordinator).get(
        reverse("records:audit_list"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert "Slutdatumet ligger före startdatumet." in response.content.decode()


def test_the_audit_page_query_count_does_not_grow(
    client_for, coordinator, coach, django_assert_max_num_queries
):
    client = client_for(coordinator)
    for i in range(60):
        audit_event(action="read", user=coach, object_type="youth.youth", object_id=i, youth_id=i)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("records:audit_list"))
    assert response.content.decode().count("<tr>") == 51  # header + one page of 50


@pytest.mark.django_db
def test_events_of_no_municipality_are_deleted_after_the_installation_s_time(
    municipality, settings
):
    """Dated by the real clock: on PostgreSQL the database's clock decides what is old."""
    import datetime as dt

    from django.utils import timezone

    from kaa.checks import kaa_deploy_checks
    from kaa.lib.days import months_before
    from kaa.services import audit_unattributed_purge

    def ago(months, action, **extra):
        at = timezone.now() - dt.timedelta(days=round(months * 30.44))
        return AuditEvent.objects.create(action=action, at=at, **extra)

    old_system = ago(40, "update", object_type="kaa.outboxitem", detail="outbox:misslyckades")
    old_unknown = ago(40, "login_failed", username="okänd@example.se")  # kept 60 months
    older_unknown = ago(62, "login_failed", username="okänd@example.se")
    old_ours = ago(
        40, "read", object_type="youth.youth", object_id=1, youth_id=1
    )  # about a youth: a municipality's rule decides
    old_municipal = ago(40, "read", municipality=municipality)
    recent_unknown = ago(30, "login_failed", username="annan")
    today = timezone.localdate()
    assert audit_unattributed_purge(today=today, months=0) == 0
    assert audit_unattributed_purge(today=today, months=36) == 2
    left = set(AuditEvent.objects.values_list("pk", flat=True))
    assert not {old_system.pk, older_unknown.pk} & left
    assert {old_unknown.pk, old_ours.pk, old_municipal.pk, recent_unknown.pk} <= left
    purge = AuditEvent.objects.get(action="delete", object_type="kaa.auditevent")
    cutoff = months_before(today, 36)
    assert purge.detail == f"gallring utan kommun: 2 händelser före {cutoff:%Y-%m-%d}"
    assert "okänd" not in purge.detail
    # Shorter than the log's minimum: `check --deploy` warns.
    settings.KAA_AUDIT_UNATTRIBUTED_MONTHS = 12
    settings.KAA_OTP_REQUIRED_ROLES = ["coordinator", "coach", "manager", "admin"]  # production
    settings.KAA_CLAMD_URL = "tcp://127.0.0.1:3310"  # production scans uploads
    settings.KAA_AUDIT_SINK = ["syslog+tcp://127.0.0.1:6514"]  # and ships its log
    assert [w.id for w in kaa_deploy_checks()] == ["kaa.W005"]
