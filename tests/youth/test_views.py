"""The register's pages: list, search, the youth's page and its actions."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from tests.factories import occupation_type, with_reason, youth_make
from youth.models import Note, Youth
from youth.notes import services as notes_services
from youth.register import services


@pytest.fixture
def caseload(municipality, coach):
    return [
        youth_make(
            municipality=municipality, coach=coach, first_name=f"Namn{i}", last_name=f"Efter{i}"
        )
        for i in range(3)
    ]


class TestList:
    def test_a_coach_sees_the_caseload_with_status(self, client_for, coach, caseload):
        body = client_for(coach).get(reverse("youth:list")).content.decode()
        assert "3 ungdomar" in body
        for youth in caseload:
            assert youth.last_name in body
        assert "Ej nådd" in body

    def test_search_by_personnummer_goes_by_post_and_never_into_the_url(
        self, client_for, coach, caseload
    ):
        client = client_for(coach)
        target = caseload[1]
        short = target.personnummer[2:8] + "-" + target.personnummer[8:]
        response = client.post(reverse("youth:list"), {"q": short})
        assert response.status_code == 302
        assert target.personnummer[8:] not in response["Location"]
        body = client.get(response["Location"]).content.decode()
        assert "1 ungdom" in body
        assert target.last_name in body
        assert caseload[0].last_name not in body
        assert AuditEvent.objects.filter(action="search", user=coach, detail="hits:1").exists()

    def test_search_by_name_words(self, client_for, coach, caseload):
        client = client_for(coach)
        location = client.post(reverse("youth:list"), {"q": "namn2 efter2"})["Location"]
        body = client.get(location).content.decode()
        assert "1 ungdom" in body

    def test_filters_are_shareable_urls(self, client_for, coach, caseload):
        services.contact_reached_record(youth=caseload[0], on=timezone.localdate())
        body = (
            client_for(coach).get(reverse("youth:list"), {"status": "in_contact"}).content.decode()
        )
        assert "1 ungdom" in body
        assert caseload[0].last_name in body
        services.occupation_record(
            youth=caseload[0],
            type=occupation_type("KOMVUX"),
            start_date=timezone.localdate(),
            source="contact",
            actor=coach,
        )
        body = client_for(coach).get(reverse("youth:list")).content.decode()
        assert "Studerar på komvux" in body
        body = client_for(coach).get(reverse("youth:list"), {"not_reached": "on"}).content.decode()
        assert "2 ungdomar" in body

    def test_an_inverted_age_range_is_explained(self, client_for, coach, caseload):
        body = (
            client_for(coach)
            .get(reverse("youth:list"), {"age_min": 19, "age_max": 16})
            .content.decode()
        )
        assert "är lägre än" in body

    def test_the_query_count_does_not_grow_with_the_rows(
        self, client_for, coordinator, municipality, coach, django_assert_max_num_queries
    ):
        for i in range(60):
            youth_make(municipality=municipality, coach=coach if i % 2 else None)
        client = client_for(coordinator)
        with django_assert_max_num_queries(14):
            response = client.get(reverse("youth:list"))
        assert "60 ungdomar" in response.content.decode()

    def test_each_row_links_its_youth_and_names_its_status(self, client_for, coach, caseload):
        from bs4 import BeautifulSoup

        body = client_for(coach).get(reverse("youth:list")).content.decode()
        rows = BeautifulSoup(body, "html.parser").select("tbody tr")
        assert len(rows) == 3
        for row in rows:
            link = row.select_one(".stack-title a")
            youth = Youth.objects.get(pk=int(link["href"].rstrip("/").rsplit("/", 1)[1]))
            assert link["href"] == reverse("youth:detail", args=[youth.pk])
            assert link.get_text() == f"{youth.last_name}, {youth.first_name}"
            status = row.select_one("td[data-label=Status]")
            assert status.get_text() == str(youth.get_status_display())

    def test_bulk_assignment_only_touches_visible_youths(
        self, client_for, coordinator, colleague, caseload, other_municipality
    ):
        foreign = youth_make(municipality=other_municipality)
        ids = [y.pk for y in caseload[:2]] + [foreign.pk]
        response = client_for(coordinator).post(
            reverse("youth:assign_bulk"), {"youth": ids, "coach": colleague.pk}
        )
        assert response.status_code == 302
        assert Youth.objects.filter(coach=colleague).count() == 2
        assert Youth.objects.get(pk=foreign.pk).coach is None

    def test_a_coach_cannot_bulk_assign(self, client_for, coach, colleague, caseload):
        response = client_for(coach).post(
            reverse("youth:assign_bulk"), {"youth": [caseload[0].pk], "coach": colleague.pk}
        )
        assert response.status_code == 403


class TestDetail:
    def test_the_page_shows_the_header_and_logs_the_read(self, client_for, coach, caseload):
        youth = caseload[0]
        body = client_for(coach).get(reverse("youth:detail", args=[youth.pk])).content.decode()
        assert youth.full_name in body
        assert youth.personnummer_formatted in body
        assert "Ej nådd" in body
        assert "i KAA sedan" in body
        assert "Tidslinje" in body
        reads = AuditEvent.objects.filter(action="read", user=coach, youth_id=youth.pk)
        assert reads.count() == 1

    def test_the_query_count_does_not_grow_with_the_timeline(
        self, client_for, coach, caseload, django_assert_max_num_queries
    ):
        youth = caseload[0]
        for i in range(80):
            notes_services.note_add(youth=youth, author=coach, text=f"Anteckning {i}")
        client = client_for(coach)
        with django_assert_max_num_queries(20):
            response = client.get(reverse("youth:detail", args=[youth.pk]))
        assert "Anteckning 79" in response.content.decode()

    def test_protected_identity_hides_the_address_from_coaches(
        self, client_for, coach, coordinator, municipality
    ):
        youth = youth_make(
            municipality=municipality,
            coach=coach,
            protected_identity=True,
            address="Hemliga vägen 1",
        )
        url = reverse("youth:detail", args=[youth.pk])
        coach_client = client_for(coach)
        asked = coach_client.get(url)
        assert asked.status_code == 302
        assert asked["Location"].startswith(reverse("youth:reason", args=[youth.pk]))
        reason_page = coach_client.get(asked["Location"]).content.decode()
        assert "Hemliga vägen" not in reason_page
        assert youth.last_name not in reason_page
        coach_body = with_reason(coach_client, youth).get(url).content
        assert "Hemliga vägen" not in coach_body.decode()
        assert "Skyddade personuppgifter" in coach_body.decode()
        coord_body = with_reason(client_for(coordinator), youth).get(url)
        assert "Hemliga vägen" in coord_body.content.decode()
        flagged = AuditEvent.objects.filter(youth_id=youth.pk, action="read", flagged=True)
        assert flagged.count() == 4  # two stated reasons, two page reads
        assert flagged.filter(detail__contains="skäl: Jag handlägger ärendet").count() == 2

    def test_a_note_is_added_and_shown_escaped(self, client_for, coach, caseload):
        youth = caseload[0]
        client = client_for(coach)
        client.post(
            reverse("youth:note_add", args=[youth.pk]),
            {"text": "<script>alert(1)</script> Ringde"},
        )
        body = client.get(reverse("youth:detail", args=[youth.pk])).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Ringde" in body
        assert "<script>alert(1)" not in body
        assert Note.objects.filter(youth=youth).count() == 1

    def test_a_stranger_cannot_add_a_note(self, client_for, other_team_coach, caseload):
        response = client_for(other_team_coach).post(
            reverse("youth:note_add", args=[caseload[0].pk]), {"text": "x"}
        )
        assert response.status_code == 404
        assert not Note.objects.exists()


class TestRegisterForm:
    def test_a_bad_personnummer_keeps_everything_typed(self, client_for, coordinator):
        response = client_for(coordinator).post(
            reverse("youth:register"),
            {
                "personnummer": "20080320-0014",
                "first_name": "Alva",
                "last_name": "Berg",
                "phone": "070-111 22 33",
                "start_date": "2026-11-01",
            },
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "Kontrollsiffran stämmer inte" in body
        assert 'value="Alva"' in body
        assert 'value="070-111 22 33"' in body
        assert 'href="#id_personnummer"' in body
        assert not Youth.objects.exists()

    def test_a_coordinator_registers_a_youth(self, client_for, coordinator):
        from demo.youths import personnummer_for

        today = timezone.localdate()
        number = personnummer_for(today.replace(year=today.year - 17), 321)
        from youth.models import Reason

        reason = Reason.objects.get(kind="registration", code="STUDIEBEVIS")
        response = client_for(coordinator).post(
            reverse("youth:register"),
            {
                "personnummer": number,
                "first_name": "Alva",
                "last_name": "Berg",
                "registration_reason": reason.pk,
                "start_date": today.isoformat(),
            },
        )
        youth = Youth.objects.get()
        assert response["Location"] == reverse("youth:detail", args=[youth.pk])
        assert youth.periods.get().registration_reason == reason

    def test_a_coach_cannot_register(self, client_for, coach):
        assert client_for(coach).get(reverse("youth:register")).status_code == 403


def test_hand_over_moves_the_caseload(client_for, coordinator, coach, colleague, caseload):
    response = client_for(coordinator).post(
        reverse("youth:hand_over"), {"from_coach": coach.pk, "to_coach": colleague.pk}
    )
    assert response.status_code == 302
    assert Youth.objects.filter(coach=colleague).count() == 3


def test_note_edit_is_for_the_author_only(client_for, coach, colleague, caseload):
    note = notes_services.note_add(youth=caseload[0], author=coach, text="Första")
    url = reverse("youth:note_edit", args=[caseload[0].pk, note.pk])
    client_for(colleague).post(url, {"text": "Kapad"})
    note.refresh_from_db()
    assert note.text == "Första"
    client_for(coach).post(url, {"text": "Rättad"})
    note.refresh_from_db()
    assert note.text == "Rättad"


def test_a_note_keeps_its_history_and_is_corrected_by_a_new_linked_note(
    client_for, coach, colleague, caseload, time_machine
):
    from bs4 import BeautifulSoup

    time_machine.move_to("2026-11-23 09:00 +01:00", tick=False)
    youth = caseload[0]
    note = notes_services.note_add(youth=youth, author=coach, text="Ringde mamma")
    detail = reverse("youth:detail", args=[youth.pk])
    edit = reverse("youth:note_edit", args=[youth.pk, note.pk])
    client = client_for(coach)
    assert edit in client.get(detail).content.decode()  # within the window: "Ändra"
    client.post(edit, {"text": "Ringde pappa"})
    time_machine.move_to("2026-11-23 09:20 +01:00", tick=False)
    page = BeautifulSoup(client.get(detail).content, "html.parser")
    article = page.find("p", string="Ringde pappa").find_parent("article")
    assert edit not in str(article)  # the window has closed: no "Ändra" link any more
    assert client.post(edit, {"text": "Ringde ingen"}).status_code == 200  # refused, kept
    note.refresh_from_db()
    assert note.text == "Ringde pappa"
    # The earlier wording is on the page, and a correction is a new note pointing back.
    history = article.find("details").get_text(" ", strip=True)
    assert "Tidigare lydelse" in history
    assert "Ringde mamma" in history
    form = article.find("input", attrs={"name": "corrects"}).find_parent("form")
    client_for(colleague).post(
        form["action"],
        {
            "corrects": form.find("input", attrs={"name": "corrects"})["value"],
            "text": "Det var pappa som svarade",
        },
    )
    correction = Note.objects.get(corrects=note)
    assert (correction.author, correction.text) == (colleague, "Det var pappa som svarade")
    assert Note.objects.get(pk=note.pk).text == "Ringde pappa"  # the original is untouched
    page = client.get(detail).content.decode()
    assert "Rättelse</strong>" in page
    assert "Det var pappa som svarade" in page


def test_the_start_page_panel_lists_the_coachs_open_cases(
    client_for, coach, caseload, municipality
):
    other = youth_make(municipality=municipality, last_name="Annanssons")
    client = client_for(coach)
    fragment = client.get(reverse("youth:caseload"), headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "<html" not in body
    assert caseload[0].last_name in body
    assert other.last_name not in body
    assert 'hx-get="/ungdomar/mina/"' in client.get("/").content.decode()


def test_the_list_filters_youths_turning_20_and_missing_guardians(
    client_for, coordinator, municipality
):
    import datetime as dt

    today = timezone.localdate()
    soon = youth_make(
        municipality=municipality,
        last_name="Snartjugo",
        birth_date=today.replace(year=today.year - 20) + dt.timedelta(days=30),
    )
    young = youth_make(municipality=municipality, last_name="Ungsson")
    client = client_for(coordinator)
    body = client.get(reverse("youth:list"), {"turning_20": "on"}).content.decode()
    assert soon.last_name in body
    assert young.last_name not in body
    body = client.get(reverse("youth:list"), {"missing_guardian": "on"}).content.decode()
    assert young.last_name in body
    assert soon.last_name not in body


def test_the_edit_form_hides_a_protected_address_from_coaches(
    client_for, coach, coordinator, municipality
):
    youth = youth_make(
        municipality=municipality, coach=coach, protected_identity=True, address="Hemliga vägen 1"
    )
    url = reverse("youth:edit", args=[youth.pk])
    coach_client = with_reason(client_for(coach), youth)
    assert "Hemliga vägen" not in coach_client.get(url).content.decode()
    coach_client.post(url, {"first_name": "A", "last_name": "B", "address": ""})
    youth.refresh_from_db()
    assert youth.address == "Hemliga vägen 1"
    coordinator_client = with_reason(client_for(coordinator), youth)
    assert "Hemliga vägen" in coordinator_client.get(url).content.decode()
    assert AuditEvent.objects.filter(youth_id=youth.pk, detail="kontaktuppgifter").count() == 2


def test_bulk_assign_does_not_redirect_off_site(client_for, coordinator, colleague, caseload):
    response = client_for(coordinator).post(
        reverse("youth:assign_bulk"),
        {"youth": [caseload[0].pk, "²"], "coach": colleague.pk, "next": "https://evil.example/x"},
    )
    assert response["Location"] == reverse("youth:list")


def test_a_malformed_correction_id_is_ignored(client_for, coach, caseload):
    response = client_for(coach).post(
        reverse("youth:note_add", args=[caseload[0].pk]), {"text": "Hej", "corrects": "abc"}
    )
    assert response.status_code == 302
    assert Note.objects.get().corrects is None


def test_one_page_view_is_one_read_event(client_for, coach, caseload):
    client = client_for(coach)
    youth = caseload[0]
    client.get(reverse("youth:detail", args=[youth.pk]))
    client.get(reverse("outreach:youth_tab", args=[youth.pk]), headers={"HX-Request": "true"})
    assert AuditEvent.objects.filter(action="read", youth_id=youth.pk).count() == 1


def test_the_coordinator_reaches_the_youths_access_log_from_the_page(
    client_for, coordinator, coach, caseload
):
    youth = caseload[0]
    body = client_for(coordinator).get(reverse("youth:detail", args=[youth.pk])).content.decode()
    assert f'href="/loggkontroll/?youth={youth.pk}"' in body
    coach_body = client_for(coach).get(reverse("youth:detail", args=[youth.pk])).content.decode()
    assert "/loggkontroll/" not in coach_body


@pytest.mark.django_db
def test_name_search_can_use_the_trigram_indexes(municipality):
    """The search's case-insensitive 'contains' is answered by the trigram indexes of
    migration 0005 when the planner may not scan the whole table."""
    from django.db import connection

    from youth.register.selectors import _search_q

    for i in range(30):
        youth_make(municipality=municipality, last_name=f"Efternamn{i}")
    youth_make(municipality=municipality, last_name="Ångström-Qvist")
    sql, params = Youth.objects.filter(_search_q("qvist")).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(sql, params)
        found = cursor.fetchall()
    assert "youth_last_name_trgm" in plan
    assert len(found) == 1


def test_a_protected_youth_needs_a_reason_everywhere(
    client_for, coach, other_team_coach, municipality
):
    youth = youth_make(municipality=municipality, coach=coach, protected_identity=True)
    reason_url = reverse("youth:reason", args=[youth.pk])
    assert client_for(other_team_coach).get(reason_url).status_code == 404
    client = client_for(coach)
    fragment = client.get(reverse("outreach:youth_tab", args=[youth.pk]), HTTP_HX_REQUEST="true")
    assert fragment["HX-Redirect"].startswith(reason_url)
    missing = client.post(reason_url, {"reason": "other", "detail": " "})
    assert "Skriv skälet" in missing.content.decode()
    reasons = AuditEvent.objects.filter(youth_id=youth.pk, flagged=True, action="read")
    assert not reasons.exists()
    response = client.post(
        reason_url,
        {"reason": "other", "detail": "Vårdnadshavare ringde", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("youth:detail", args=[youth.pk])
    event = reasons.get()
    assert event.detail.endswith("Annat skäl (skriv nedan): Vårdnadshavare ringde")
    assert (
        client.get(
            reverse("outreach:youth_tab", args=[youth.pk]), HTTP_HX_REQUEST="true"
        ).status_code
        == 200
    )
