"""The SCB pages: coordinators of the same municipality only; problems link to the fix."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaa.models import AuditEvent
from reporting.models import ScbFile, ScbProfileVerification, ScbReport
from reporting.scb.services import file_build
from tests.reporting.conftest import H1, D

pytestmark = pytest.mark.django_db
PERIOD_URL = reverse("reporting:scb_period", args=["2026H1"])


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-23 09:00 +01:00", tick=False)


def _file(municipality, coordinator):
    import datetime as dt

    file, _f = file_build(
        municipality=municipality, period=H1, actor=coordinator, today=dt.date(2026, 11, 23)
    )
    return file


def test_the_period_page_shows_quality_problems_with_links_and_the_unverified_banner(
    client_for, coordinator, register
):
    response = client_for(coordinator).get(PERIOD_URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Exportprofilen är inte verifierad." in body
    assert "Datakvalitet: 55 av 100" in body
    assert "Registreringsorsaken rapporteras som okänd. (Annan orsak)" in body
    cia_period = register["cia"].periods.order_by("start_date").first()
    edit = reverse("youth:period_edit", args=[register["cia"].pk, cia_period.pk])
    assert f'href="{edit}?next=/statistik/scb/2026H1/"' in body
    assert "Eva Ek</a>: Felregistrerad" in body  # listed as not reported, with the reason
    assert "0 blockerande fel, 6 varningar" in body
    read = set(
        AuditEvent.objects.filter(action="read", detail="scb-kontroll").values_list(
            "youth_id", flat=True
        )
    )
    assert read == {register[k].pk for k in ("bo", "cia", "dan")}  # Anna has no problem


def test_a_double_click_on_build_makes_one_file(
    client_for, coordinator, register, django_capture_on_commit_callbacks
):
    import re

    client = client_for(coordinator)
    key = re.search(
        r'name="key" value="([0-9a-f-]{36})"', client.get(PERIOD_URL).content.decode()
    ).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PERIOD_URL, {"override_reason": "", "key": key})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PERIOD_URL, {"override_reason": "", "key": key})
    assert ScbFile.objects.count() == 1
    # The page shown again has a new key: asking again is a new file.
    fresh = re.search(
        r'name="key" value="([0-9a-f-]{36})"', client.get(PERIOD_URL).content.decode()
    ).group(1)
    assert fresh != key
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PERIOD_URL, {"override_reason": "", "key": fresh})
    assert ScbFile.objects.count() == 2


def test_building_a_file_from_the_page_runs_the_task_and_archives_it(
    client_for, coordinator, register, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PERIOD_URL, {"override_reason": ""})
    assert response.status_code == 302
    file = ScbFile.objects.get()
    assert file.created_by == coordinator
    page = client.get(reverse("reporting:scb_file", args=[file.pk])).content.decode()
    assert file.sha256 in page
    assert "Markera som inskickad till SCB" in page
    download = client.get(reverse("reporting:scb_file_download", args=[file.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="KAA_1882_2026H1.csv"'
    assert b"".join(download.streaming_content).startswith(b"KOMMUN;PERIOD;PERSONNR")
    readable = client.get(reverse("reporting:scb_file_readable", args=[file.pk]))
    assert b"".join(readable.streaming_content)[:2] == b"PK"
    details = set(
        AuditEvent.objects.filter(action="export", object_id=str(file.pk)).values_list(
            "detail", flat=True
        )
    )
    assert details == {"scb:2026H1", "scb-fil:hämtad:content", "scb-fil:hämtad:xlsx"}
    client.post(reverse("reporting:scb_file_submit", args=[file.pk]))
    file.refresh_from_db()
    assert (file.status, file.submitted_by) == ("submitted", coordinator)


def test_blocking_problems_need_a_reason_and_keep_the_form(
    client_for, coordinator, build, django_capture_on_commit_callbacks
):
    youth = build.youth("Ada Ek", born=D(2006, 3, 15))
    build.period(youth, D(2025, 8, 1))
    client = client_for(coordinator)
    response = client.post(PERIOD_URL, {"override_reason": "  "})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Det finns 1 blockerande fel." in body
    assert "fyllt 20 men KAA-perioden är inte avslutad" in body
    assert not ScbFile.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PERIOD_URL, {"override_reason": "SCB bad om filen"})
    assert ScbFile.objects.get().override_reason == "SCB bad om filen"


@pytest.mark.parametrize(
    ("value", "message"), [("2026H3", "ska skrivas ÅÅÅÅH1"), ("2027H1", "har inte börjat än")]
)
def test_a_bad_period_redirects_with_a_message(client_for, coordinator, value, message):
    client = client_for(coordinator)
    response = client.get(reverse("reporting:scb_period", args=[value]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reporting:scb_list")
    assert message in response.content.decode()
    form = client.post(reverse("reporting:scb_list"), {"period": value})
    assert message in form.content.decode()
    assert form.status_code == 200


def test_the_list_offers_recent_half_years_with_deadlines(client_for, coordinator):
    body = client_for(coordinator).get(reverse("reporting:scb_list")).content.decode()
    assert "2026H2" in body
    assert "2027-02-26" in body  # the profile's deadline for 2026H2
    assert "2025H1" in body


@pytest.mark.parametrize("persona", ["coach", "manager", "admin_user"])
def test_only_coordinators_reach_the_scb_pages(
    client_for, request, persona, coordinator, register, municipality
):
    file = _file(municipality, coordinator)
    client = client_for(request.getfixturevalue(persona))
    for url in (
        reverse("reporting:scb_list"),
        PERIOD_URL,
        reverse("reporting:scb_file", args=[file.pk]),
        reverse("reporting:scb_file_download", args=[file.pk]),
        reverse("reporting:scb_file_readable", args=[file.pk]),
        reverse("reporting:scb_profile", args=["2026H1"]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("reporting:scb_file_submit", args=[file.pk])).status_code == 403
    assert ScbFile.objects.get().status == "generated"


def test_a_coordinator_of_another_municipality_gets_404_and_sees_none_of_ours(
    client_for, coordinator, stranger_coordinator, register, municipality
):
    file = _file(municipality, coordinator)
    client = client_for(stranger_coordinator)
    for url in (
        reverse("reporting:scb_file", args=[file.pk]),
        reverse("reporting:scb_file_download", args=[file.pk]),
        reverse("reporting:scb_file_readable", args=[file.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("reporting:scb_file_submit", args=[file.pk])).status_code == 404
    body = client.get(PERIOD_URL).content.decode()
    # (Staff names are random and may share a first name with a youth: check full names.)
    assert "Anna Andersson" not in body
    assert register["anna"].personnummer[2:8] not in body
    assert 'Ungdomar att rapportera</dt><dd class="col-sm-9">0' in body
    assert AuditEvent.objects.filter(action="denied", user=stranger_coordinator).count() == 4


def test_verifying_the_profile_removes_the_banner_and_the_warning(
    client_for, coordinator, register
):
    client = client_for(coordinator)
    url = reverse("reporting:scb_profile", args=["2026H1"])
    page = client.get(url).content.decode()
    assert "ATGARDTYP" in page
    assert "Avbrott från nationellt program" in page
    refused = client.post(url, {"note": "Datafilsbeskrivning 2026H1"})
    assert "Formuläret innehåller fel" in refused.content.decode()
    assert "Datafilsbeskrivning 2026H1" in refused.content.decode()
    client.post(url, {"note": "Datafilsbeskrivning 2026H1", "confirm": "on"})
    verification = ScbProfileVerification.objects.get()
    assert (verification.verified_by, verification.profile_name) == (coordinator, "kaa-2018H2")
    body = client.get(PERIOD_URL).content.decode()
    assert "Exportprofilen är inte verifierad." not in body
    assert "0 blockerande fel, 5 varningar" in body


def test_the_start_page_banner_shows_a_draft_to_coordinators_only(
    client_for, coordinator, coach, municipality
):
    ScbReport.objects.create(
        municipality=municipality,
        period="2026H1",
        summary={"blocking": 2, "warnings": 7},
        notified_at="2026-07-01T04:00:00+02:00",
    )
    url = reverse("reporting:scb_banner")
    body = client_for(coordinator).get(url).content.decode()
    assert "SCB-rapporten för 2026H1 väntar på granskning: 2 fel, 7 varningar." in body
    assert "2026H1" not in client_for(coach).get(url).content.decode()
    home = client_for(coordinator).get(reverse("kaa:home")).content.decode()
    assert f'hx-get="{url}"' in home


def test_the_period_page_query_count_does_not_grow_with_youths(
    client_for, coordinator, build, django_assert_max_num_queries
):
    client = client_for(coordinator)
    for n in range(3):
        y = build.youth(f"Y{n} Test")
        build.period(y, D(2026, 2, 1))
    with django_assert_max_num_queries(40) as small:
        client.get(PERIOD_URL)
    for n in range(3, 30):
        y = build.youth(f"Y{n} Test")
        build.period(y, D(2026, 2, 1))
        build.contact(y, D(2026, 3, 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(PERIOD_URL)
