"""GDPR rights of the youth (access, restriction, erasure, rectification): the register extract
is complete, withholds a protected address and is for coordinators only; restriction freezes
the record and hides it from coaches; erasure requests are answered and recorded; corrections
keep their history."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from outreach.eservice.services import access_code_for, submission_save
from plans.models import SchoolNotification
from records.register_extract.services import extract_context
from tests.factories import plan_make, youth_make
from youth.data_protection import services as data_protection_services
from youth.models import DataRequest, FieldChange, Guardian, Note, Youth
from youth.notes import services as notes_services
from youth.register import services

pytestmark = pytest.mark.django_db

# Models that point at a youth without holding data of their own about them.
# Earlier extracts are copies of this same document; the requests they answered are in it
# (DataRequest).
NOT_PERSONAL: set[str] = {"records.RegisterExtract"}


def _rich_youth(municipality, coach):
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Amal",
        last_name="Utdragsson",
        phone="070-1",
        address="Storgatan 1",
    )
    Guardian.objects.create(youth=youth, name="Hanna Vårdnadshavare", address="Lillgatan 2")
    notes_services.note_add(youth=youth, author=coach, text="Ringde, pratade om komvux.")
    services.youth_contact_update(youth=youth, actor=coach, phone="070-2")
    plan_make(youth, actor=coach, interventions=1)
    submission_save(
        code=access_code_for(youth), data={"activity": "working", "employer": "Bageriet"}
    )
    SchoolNotification.objects.create(
        municipality=municipality,
        kind="stopped",
        personnummer=youth.personnummer,
        first_name="Amal",
        last_name="Utdragsson",
        school="Alléskolan",
        event_date=timezone.localdate(),
        contact_name="Eva",
        contact_email="e@s.example",
        youth=youth,
    )
    return youth


def test_the_extract_covers_every_model_that_holds_data_about_a_youth(municipality, coach):
    youth = _rich_youth(municipality, coach)
    context = extract_context(youth)

    def pointing_at(targets):
        return {
            model
            for model in apps.get_models()
            if any(
                isinstance(f, models.ForeignKey) and f.related_model in targets
                for f in model._meta.get_fields()
                if f.concrete
            )
            and model._meta.label not in NOT_PERSONAL
        }

    about_youths = pointing_at({Youth})
    # Records of a youth's records (a plan's interventions and earlier versions, a note's
    # earlier wording) are about the youth too.
    from plans.models import ActionPlan

    about_youths |= pointing_at({ActionPlan, Note})
    missing = {m._meta.label for m in about_youths - context["covered_models"]}
    assert not missing, f"add these to records/register_extract/services.py: {sorted(missing)}"
    text = repr(context["sections"]) + repr(context["youth_rows"])
    for stored in (
        "Utdragsson",
        "Storgatan 1",
        "Hanna Vårdnadshavare",
        "Ringde, pratade om komvux.",
        "070-1",
        "070-2",
        "Bageriet",
        "Alléskolan",
        "Börja studera på komvux",
    ):
        assert stored in text, stored


def test_a_protected_address_is_withheld_from_the_extract(municipality, coach, coordinator):
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        address="Gamla vägen 1",
        postal_code="12345",
        protected_identity=True,
    )
    # A corrected address is an address too, and so is the address of a guardian (who lives
    # with the youth) even without a protected identity of their own.
    services.youth_contact_update(youth=youth, actor=coordinator, address="Hemliga vägen 3")
    Guardian.objects.create(
        youth=youth, name="Skyddad Förälder", address="Dolda gatan 9", protected_identity=True
    )
    Guardian.objects.create(youth=youth, name="Annan Förälder", address="Synliga gatan 5")
    context = extract_context(youth)
    text = repr(context["sections"]) + repr(context["youth_rows"])
    assert context["address_withheld"]
    for address in (
        "Hemliga vägen 3",
        "Gamla vägen 1",
        "12345",
        "Dolda gatan 9",
        "Synliga gatan 5",
    ):
        assert address not in text, address
    assert "Skyddad Förälder" in text
    assert "Annan Förälder" in text


def test_the_extract_names_who_read_printed_or_exported_and_no_one_elsewhere(
    client_for, municipality, coach, coordinator, stranger_coordinator
):
    from kaa.audit import audit_event

    youth = youth_make(municipality=municipality, coach=coach)
    audit_event(action="export", user=coordinator, youth_id=youth.pk, detail="ungdomslista")
    audit_event(action="print", user=coach, youth_id=youth.pk, detail="brev")
    # Another municipality's coordinator filters their log on this id: not a read of it.
    client_for(stranger_coordinator).get(reverse("records:audit_list"), {"youth": youth.pk})
    reads = extract_context(youth)["reads"]
    assert {r["username"] for r in reads} == {coordinator.username, coach.username}
    assert {r["details"] for r in reads} == {
        "tog ut i en fil listan över ungdomar",
        "skrev ut ett brev",
    }
    # A youth read many times: one row per person and day, with the count.
    for _ in range(30):
        audit_event(action="read", user=coach, youth_id=youth.pk, detail="")
    audit_event(action="read", user=coach, youth_id=youth.pk, detail="planer")
    [row] = [r for r in extract_context(youth)["reads"] if r["username"] == coach.username]
    assert row["n"] == 32
    assert row["who"] == f"{coach.get_full_name()}, ungdomscoach"
    assert row["details"] == (
        "läste samtycke, kartläggning och planer, läste ungdomens sida, skrev ut ett brev"
    )
    assert row["first"] <= row["last"]


def test_a_coordinator_orders_the_extract_a_worker_builds_it_and_it_is_recorded(
    client_for,
    coordinator,
    coach,
    stranger_coordinator,
    municipality,
    django_capture_on_commit_callbacks,
):
    from records.register_extract.models import RegisterExtract

    youth = _rich_youth(municipality, coach)
    client_for(coach).get(reverse("youth:detail", args=[youth.pk]))  # a read to list
    url = reverse("records:register_extract", args=[youth.pk])
    listing = reverse("records:extract_list", args=[youth.pk])
    assert client_for(coach).post(url).status_code == 403
    assert client_for(stranger_coordinator).post(url).status_code == 404
    # Ordering an extract records a request: never by a plain link (GET).
    client = client_for(coordinator)
    assert client.get(url).status_code == 405
    page = client.get(reverse("youth:data_protection", args=[youth.pk])).content.decode()
    key = re.search(r'name="key" value="([0-9a-f-]+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"mottagen": "2026-11-20", "key": key}, follow=True)
    assert "Registerutdraget tas fram" in response.content.decode()
    extract = RegisterExtract.objects.get(youth=youth)  # built by the task (eager here)
    assert extract.built_at is not None
    assert extract.data_request.received_on.isoformat() == "2026-11-20"
    # A double click (the same page's key) orders nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"mottagen": "2026-11-20", "key": key})
    assert RegisterExtract.objects.filter(youth=youth).count() == 1
    # The list on the Dataskydd page offers the PDF; the download is an audited export.
    body = client.get(listing).content.decode()
    download = reverse("records:extract_download", args=[youth.pk, extract.pk])
    assert download in body
    assert "every 3s" not in body  # nothing is being made: the list stops asking
    response = client.get(download)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        AuditEvent.objects.filter(
            action="export", youth_id=youth.pk, detail="registerutdrag"
        ).count()
        == 1
    )
    reads = extract_context(youth)["reads"]
    assert any(r["username"] == coach.username for r in reads)
    # Nobody else gets it: a coach, another municipality's coordinator.
    assert client_for(coach).get(download).status_code == 403
    assert client_for(coach).get(listing).status_code == 403
    assert client_for(stranger_coordinator).get(download).status_code == 404
    # Ordered again for the same request: one request, two extracts.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"mottagen": "2026-11-20"})
    assert DataRequest.objects.filter(youth=youth, kind="extract").count() == 1
    assert RegisterExtract.objects.filter(youth=youth).count() == 2
    # A date that is not a date, or lies ahead, is refused with a message; nothing is made.
    for bad in ("20-11-2026", "2099-01-01"):
        response = client.post(url, {"mottagen": bad}, follow=True)
        assert "Ange dagen då begäran kom in" in response.content.decode()
    assert RegisterExtract.objects.filter(youth=youth).count() == 2


def test_an_extract_being_made_is_shown_and_one_too_large_fails_cleanly(
    client_for, coordinator, coach, municipality, monkeypatch
):
    from celery.exceptions import SoftTimeLimitExceeded

    from records.register_extract.models import RegisterExtract
    from records.register_extract.services import extract_build, extract_order

    youth = youth_make(municipality=municipality, coach=coach)
    extract = extract_order(
        youth=youth, actor=coordinator, received_on=timezone.localdate(), key=None
    )
    listing = reverse("records:extract_list", args=[youth.pk])
    body = client_for(coordinator).get(listing).content.decode()
    assert "Tas fram" in body
    assert 'hx-trigger="every 3s"' in body  # the list asks again until it is done ...
    assert "?n=1" in body
    late = client_for(coordinator).get(listing, {"n": 40}).content.decode()
    assert "every 3s" not in late  # ... but not for ever (each answer is activity)
    assert "längre tid än vanligt" in late

    def too_long(*args, **kwargs):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr("kaa.lib.pdf.pdf_render", too_long)
    assert extract_build(extract.pk) == "too large"
    assert extract_build(extract.pk) == "already handled"
    extract.refresh_from_db()
    assert not extract.file
    body = client_for(coordinator).get(listing).content.decode()
    assert "för stort" in body
    assert "every 3s" not in body
    assert RegisterExtract.objects.get(pk=extract.pk).built_at is None


def test_an_extract_is_downloadable_for_a_month_then_deleted(
    coordinator, coach, municipality, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.core.files.storage import default_storage

    from records.register_extract.services import (
        EXTRACT_KEEP_DAYS,
        extract_build,
        extract_order,
        extracts_expire,
    )

    youth = youth_make(municipality=municipality, coach=coach)
    extract = extract_order(
        youth=youth, actor=coordinator, received_on=timezone.localdate(), key=None
    )
    extract_build(extract.pk)
    extract.refresh_from_db()
    name = extract.file.name
    assert default_storage.exists(name)
    assert extracts_expire(now=timezone.now() + dt.timedelta(days=EXTRACT_KEEP_DAYS - 1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        later = timezone.now() + dt.timedelta(days=EXTRACT_KEEP_DAYS + 1)
        assert extracts_expire(now=later) == 1
    extract.refresh_from_db()
    assert not extract.file
    assert extract.file_deleted_at is not None
    assert not default_storage.exists(name)


def test_restriction_freezes_the_record_and_hides_it_from_coaches(
    client_for, coordinator, coach, municipality
):
    youth = youth_make(municipality=municipality, coach=coach, last_name="Begränsad")
    coordinator_client, coach_client = client_for(coordinator), client_for(coach)
    page = reverse("youth:data_protection", args=[youth.pk])
    response = coordinator_client.post(
        page,
        {
            "action": "restrict",
            "r-received_on": "2026-11-20",
            "r-reason": "Bestrider uppgifternas riktighet",
        },
    )
    assert response.status_code == 302
    youth.refresh_from_db()
    assert youth.restricted_at is not None
    assert coach_client.get(reverse("youth:detail", args=[youth.pk])).status_code == 404
    assert "Begränsad" not in coach_client.get(reverse("youth:list")).content.decode()
    detail = coordinator_client.get(reverse("youth:detail", args=[youth.pk])).content.decode()
    assert "Behandlingen är begränsad" in detail
    edit = coordinator_client.post(
        reverse("youth:edit", args=[youth.pk]), {"first_name": "X", "last_name": "Y"}
    )
    assert edit.status_code == 403
    assert Youth.objects.get(pk=youth.pk).first_name != "X"
    empty = coordinator_client.post(page, {"action": "lift", "l-reason": ""})
    assert "Detta fält måste fyllas i" in empty.content.decode()
    coordinator_client.post(page, {"action": "lift", "l-reason": "Uppgifterna är utredda"})
    assert coach_client.get(reverse("youth:detail", args=[youth.pk])).status_code == 200
    kinds = list(DataRequest.objects.filter(youth=youth).values_list("kind", flat=True))
    assert sorted(kinds) == ["restriction", "restriction_lifted"]


def test_an_erasure_request_gets_the_archive_law_answer(
    client_for, coordinator, coach, municipality
):
    youth = youth_make(municipality=municipality, coach=coach)
    client = client_for(coordinator)
    page = reverse("youth:data_protection", args=[youth.pk])
    form = client.get(page).content.decode()
    assert "arkivlagen" in form
    client.post(
        page,
        {
            "action": "erasure",
            "e-received_on": "2026-11-21",
            "e-decision": str(data_protection_services.ERASURE_ANSWER),
        },
    )
    request = DataRequest.objects.get(youth=youth, kind="erasure")
    assert "arkivlagen" in request.decision
    assert Youth.objects.filter(pk=youth.pk).exists()
    assert client_for(coach).get(page).status_code == 403


def test_a_correction_keeps_the_old_value(client_for, coordinator, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach, email="gammal@exempel.se")
    services.youth_contact_update(youth=youth, actor=coach, email="ny@exempel.se")
    change = FieldChange.objects.get(youth=youth)
    assert (change.field, change.old, change.new, change.by) == (
        "email",
        "gammal@exempel.se",
        "ny@exempel.se",
        coach,
    )
    page = (
        client_for(coordinator)
        .get(reverse("youth:data_protection", args=[youth.pk]))
        .content.decode()
    )
    assert "gammal@exempel.se" in page


def test_a_restricted_youth_gets_no_new_tasks_and_no_e_service_answers(
    coordinator, coach, municipality
):
    from outreach.eservice.services import Check, code_check
    from outreach.models import Task
    from outreach.routine.engine import deadlines_refresh
    from outreach.routine.services import routine_from_template

    routine_from_template(municipality=municipality, key="askersund", actor=None)
    youth = youth_make(municipality=municipality, coach=coach)
    code = access_code_for(youth)
    data_protection_services.restriction_set(
        youth=youth, actor=coordinator, reason="Bestrider", received_on=timezone.localdate()
    )
    deadlines_refresh()
    assert not Task.objects.filter(youth=youth).exists()
    assert code_check(text=code.code, birth_date=youth.birth_date).status is Check.ENDED


def test_a_restricted_record_is_frozen_on_every_write_path(
    client_for, coordinator, coach, colleague, municipality, time_machine
):
    import datetime as dt

    from django.core.exceptions import ValidationError

    from outreach.models import ContactAttempt, Task
    from outreach.routine.engine import turning_20_letters_ensure
    from plans.actionplans.work_queue import follow_up_tasks_refresh
    from plans.meetings.selectors import meeting_candidates

    time_machine.move_to("2026-11-23 09:00 +01:00", tick=False)
    today = timezone.localdate()
    # Turns 20 within the notice time, with an open letter task and a plan.
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        last_name="Fryst",
        birth_date=today.replace(year=today.year - 20) + dt.timedelta(days=20),
    )
    plan_make(youth, actor=coach, interventions=1)
    task = Task.objects.create(
        youth=youth, kind=Task.Kind.STEP, title="Skicka vykort", channel="letter", due_date=today
    )
    data_protection_services.restriction_set(
        youth=youth, actor=coordinator, reason="Bestrider", received_on=today
    )
    follow_ups = [Task.Kind.PLAN_FOLLOW_UP, Task.Kind.INTERVENTION_FOLLOW_UP]
    Task.objects.filter(youth=youth, kind__in=follow_ups).delete()  # the job would remake them
    client = client_for(coordinator)
    # One task's outcome, bulk "done", bulk assignment: refused or left out.
    assert (
        client.post(
            reverse("outreach:task_outcome", args=[task.pk]), {"outcome": "sent"}
        ).status_code
        == 403
    )
    client.post(reverse("outreach:tasks_bulk_done"), {"task": [task.pk]})
    client.post(reverse("youth:assign_bulk"), {"youth": [youth.pk], "coach": colleague.pk})
    assert not ContactAttempt.objects.filter(youth=youth).exists()
    assert Task.objects.get(pk=task.pk).status == "open"
    assert Youth.objects.get(pk=youth.pk).coach == coach
    # A new case by personnummer (a preventive case, a school notice) adds nothing.
    with pytest.raises(ValidationError, match="begränsad"):
        services.youth_record_ensure(
            municipality=municipality,
            personnummer=youth.personnummer,
            first_name="X",
            last_name="Y",
            on=today,
            actor=colleague,
        )
    # Scheduled jobs and network meetings pass it by.
    assert turning_20_letters_ensure(today=today) == 0
    follow_up_tasks_refresh()
    assert not Task.objects.filter(youth=youth).exclude(pk=task.pk).exists()
    assert youth.pk not in {y.pk for y in meeting_candidates(municipality, today)}


def test_every_field_the_extract_prints_has_a_swedish_name(municipality, coach):
    from records.register_extract.services import SKIP, SKIP_OF, label_of

    youth = _rich_youth(municipality, coach)
    unnamed = sorted(
        f"{model._meta.label}.{field.name}"
        for model in extract_context(youth)["covered_models"] | {Youth}
        for field in model._meta.concrete_fields
        if field.name not in SKIP | SKIP_OF.get(model._meta.label, set()) and not label_of(field)
    )
    assert not unnamed, f"name these in records/register_extract/services.py LABELS: {unnamed}"


def test_the_extract_is_a_letter_in_swedish_with_staff_by_name_and_whom_to_ask(
    client_for, municipality, coach, coordinator, monkeypatch
):
    from bs4 import BeautifulSoup
    from django.template.loader import render_to_string

    from outreach.models import Task

    coach.email = "omar.ali@askersund.example"
    coach.save()
    youth = _rich_youth(municipality, coach)
    Task.objects.create(youth=youth, title="Telefonsamtal", due_date=timezone.localdate())
    client = client_for(coach)
    client.get(reverse("outreach:queue"))  # detail "arbetsko"
    client.get(reverse("outreach:reached", args=[youth.pk]))  # detail "nadd"
    from django.utils import translation

    from records.register_extract.models import RegisterExtract
    from records.register_extract.services import extract_build, extract_order

    rendered = []

    def render(template, context):
        rendered.append(render_to_string(template, context))
        return b"%PDF-1.7 test"

    monkeypatch.setattr("kaa.lib.pdf.pdf_render", render)
    extract = extract_order(
        youth=youth, actor=coordinator, received_on=timezone.localdate(), key=None
    )
    with translation.override("en"):  # a worker that last spoke English still writes Swedish
        assert extract_build(extract.pk).startswith("built")
    [html] = rendered
    text = BeautifulSoup(html, "html.parser").get_text(" ", strip=True)
    cover = BeautifulSoup(html, "html.parser").select_one(".cover").get_text(" ", strip=True)
    assert "Registerutdrag: de uppgifter kommunen har om dig" in cover
    # The municipality as a letter names it, never its bare place name.
    name = youth.municipality.display_name
    assert name.endswith(" kommun")
    assert f"Du har frågat vilka uppgifter {name} har om dig" in cover
    assert f"ringa växeln hos {name}" in cover
    assert f"personnummer {youth.personnummer[:8]}-{youth.personnummer[8:]}" in cover
    assert f"{coordinator.get_full_name()}, samordnare" in cover
    assert f"{coach.get_full_name()}, ungdomscoach, e-post omar.ali@askersund.example" in cover
    assert youth.personnummer not in text  # never undashed
    for english_or_internal in (
        "Created by",
        "Created at",
        "Summary",
        "Updated by",
        "arbetsko",
        "nadd",
        "coordinator",
        ">coach<",
        f" {coach.username} ",
        f" {coordinator.username} ",
    ):
        assert english_or_internal not in f" {text} ", english_or_internal
    assert "Registrerad av" in text
    assert "KAA-period:" in text
    assert "Kaa-period" not in text
    assert "Slag: note" not in text
    assert "läste arbetskön" in text.lower()
    assert "registreringen av att ungdomen har nåtts" in text
    assert RegisterExtract.objects.filter(youth=youth).count() == 1
