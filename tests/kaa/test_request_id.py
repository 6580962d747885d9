"""The audit log's correlation id is always KAA's own; a client's X-Request-ID is kept apart,
sanitised, and never taken for it."""

from __future__ import annotations

import re

from django.urls import reverse

from kaa.models import AuditEvent


def _event() -> AuditEvent:
    return AuditEvent.objects.filter(detail="loggkontroll").get()


def test_a_client_chosen_request_id_is_not_the_audit_correlation_id(client_for, coordinator):
    # The attack: pick the id of someone else's request so that one's own events are
    # correlated with theirs (or many requests share one id).
    chosen = "0123456789abcdef0123456789abcdef"
    response = client_for(coordinator).get(
        reverse("records:audit_list"), headers={"X-Request-ID": chosen}
    )
    event = _event()
    assert event.request_id != chosen
    assert re.fullmatch(r"[0-9a-f]{32}", event.request_id)
    assert response["X-Request-ID"] == event.request_id
    assert event.client_request_id == chosen  # kept, apart, for tracing a client's report


def test_the_client_request_id_is_sanitised_and_length_limited(client_for, coordinator):
    client_for(coordinator).get(
        reverse("records:audit_list"), headers={"X-Request-ID": "trace-1<script>\"' " + "x" * 500}
    )
    event = _event()
    assert event.client_request_id.startswith("trace-1script")
    assert len(event.client_request_id) == 64
    assert re.fullmatch(r"[A-Za-z0-9._:-]*", event.client_request_id)


def test_without_a_client_id_the_field_stays_empty(client_for, coordinator):
    client_for(coordinator).get(reverse("records:audit_list"))
    assert _event().client_request_id == ""


def test_a_web_process_names_itself_only_when_configured(client, db, settings):
    settings.KAA_NODE_NAME = ""
    assert "X-KAA-Node" not in client.get("/tillganglighet/").headers
    settings.KAA_NODE_NAME = "web-2"
    response = client.get("/tillganglighet/")
    assert response.status_code == 200
    assert response["X-KAA-Node"] == "web-2"
