"""Each figure against a small hand-computed register (October 2026), suppression, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from reporting.stats import definitions as d
from reporting.stats.periods import date_range, span_of
from tests.reporting.conftest import D, attempt

pytestmark = pytest.mark.django_db
OCT = span_of("month", 2026, 10)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-23 09:00 +01:00", tick=False)


def _scope(municipality, span=OCT, team=None):
    return d.Scope(
        municipality_id=municipality.pk,
        span=span,
        team_id=team.pk if team else None,
        today=dt.date(2026, 11, 23),
    )


def test_counts_of_youths(municipality, october):
    s = _scope(municipality)
    assert d.in_kaa_at_end(s) == 3
    assert d.in_kaa_during(s) == 3  # Y2 has two periods in October: one youth
    assert d.registrations_by_reason(s) == [
        ("Avbrott från nationellt program", 2),
        ("Slutfört gymnasieskolan med studiebevis", 1),
    ]
    assert d.deregistrations_by_reason(s) == [("Påbörjat nationellt program eller motsvarande", 1)]


def test_reached_and_time_to_first_contact(municipality, october):
    s = _scope(municipality)
    assert d.reached(s) == {"reached": 2, "not_reached": 1}
    # Y2's first period has no contact inside it; the second is reached after 2 days.
    assert d.time_to_first_contact(s) == {"registered": 3, "reached": 1, "median_days": 2}


def test_contacts_and_channels(municipality, october):
    s = _scope(municipality)
    assert d.occupation_at_contact(s) == [("Arbetar", 1), ("Okänd", 1)]
    assert d.contacts_by_channel(s) == [
        {"channel": "Telefonsamtal", "attempts": 2, "led_to_contact": 1, "one_way": False},
        {"channel": "Brev", "attempts": 1, "led_to_contact": 1, "one_way": True},
        {"channel": "Sms", "attempts": 1, "led_to_contact": 1, "one_way": False},
    ]
    assert d.reached_by_channel(s) == [("Telefonsamtal", 1), ("Sms", 1)]  # ties: by code
    assert d.channel_by_age(s) == {
        "ages": [16, 17, 18, 19],
        "rows": [("Sms", [1, 0, 0, 0]), ("Telefonsamtal", [0, 0, 1, 0])],
    }


def test_interventions(municipality, october):
    s = _scope(municipality)
    assert d.in_intervention(s) == 1
    assert d.interventions_by_type(s) == [("Insats SYV", 1)]
    assert d.outcomes_after_interventions(s) == [("Arbetar", 1)]


def test_staff_figures(municipality, october, coach, colleague):
    s = _scope(municipality)
    assert d.caseload_per_coach(s) == [
        (coach.get_full_name() or coach.username, 2),
        (colleague.get_full_name() or colleague.username, 1),
    ]
    assert d.overdue_tasks(s) == [(colleague.get_full_name() or colleague.username, 1)]
    ageing = {row["coach"]: row["counts"] for row in d.last_contact_ageing(s)}
    assert ageing == {
        coach.get_full_name() or coach.username: [0, 2, 0, 0, 0],
        colleague.get_full_name() or colleague.username: [1, 0, 0, 0, 0],
    }
    assert d.deadline_compliance(s) == [{"step": "Ring", "due": 3, "on_time": 1}]


def test_monthly_trend(municipality, october):
    trend = d.monthly_trend(_scope(municipality))
    assert [t["month"].label for t in trend[-2:]] == ["september 2026", "oktober 2026"]
    assert [(t["open"], t["new"]) for t in trend[-2:]] == [(2, 1), (3, 3)]
    assert len(trend) == 12


def test_a_team_narrows_every_figure(municipality, october, team, build):
    other = build.youth("Annat Team")
    build.period(other, D(2026, 10, 3))
    assert d.in_kaa_during(_scope(municipality)) == 4
    assert d.in_kaa_during(_scope(municipality, team=team)) == 3


def test_an_empty_period_gives_zeros_not_errors(municipality):
    s = _scope(municipality, span=span_of("month", 2025, 2))
    values = d.compute_all(s)
    assert values["in_kaa_at_end"] == 0
    assert values["reached"] == {"reached": 0, "not_reached": 0}
    assert values["time_to_first_contact"]["median_days"] is None


def test_inverted_and_overlong_ranges_are_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="före startdatumet"):
        date_range(D(2026, 5, 1), D(2026, 4, 1))
    with pytest.raises(ValidationError, match="fem år"):
        date_range(D(2016, 1, 1), D(2026, 4, 1))


DASH = reverse("reporting:dashboard") + "?kind=month&year=2026&number=10"


def test_a_manager_sees_aggregates_suppressed_and_no_names(client_for, manager, october):
    body = client_for(manager).get(DASH).content.decode()
    assert "Statistik: oktober 2026" in body
    assert "&lt;5" in body
    for youth in october.values():
        assert youth.last_name not in body
        assert youth.personnummer not in body
    assert "Hemlig" not in body


def test_a_coordinator_sees_exact_counts(client_for, coordinator, october):
    body = client_for(coordinator).get(DASH).content.decode()
    assert "&lt;5" not in body
    assert '<td class="text-end">3</td>' in body


def test_the_threshold_is_configurable(client_for, manager, october, settings):
    """The threshold is also the width of the bands a manager sees (3 youths: "2–3")."""
    settings.KAA_SUPPRESS_BELOW = 2
    body = client_for(manager).get(DASH).content.decode()
    assert '<th scope="row" class="fw-normal">2–3</th>' in body  # in KAA at the end
    assert ">3<" not in body
    assert "&lt;2" in body


@pytest.mark.parametrize("persona", ["coach", "admin_user"])
def test_staff_without_aggregates_get_403(client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))
    for name in ("reporting:dashboard", "reporting:definitions", "reporting:reports"):
        assert client.get(reverse(name)).status_code == 403


def test_another_municipality_sees_only_its_own(client_for, stranger_coordinator, october):
    body = client_for(stranger_coordinator).get(DASH).content.decode()
    assert '<td class="text-end">0</td>' in body
    assert '<td class="text-end">3</td>' not in body


def test_a_team_of_another_municipality_is_refused(client_for, manager, other_municipality):
    from kaa.models import Team

    foreign = Team.objects.create(municipality=other_municipality, name="Främmande")
    response = client_for(manager).get(DASH + f"&team={foreign.pk}")
    assert "Välj ett giltigt alternativ" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "query", "message"),
    [
        (
            "coordinator",
            "?kind=range&start=2026-05-01&end=2026-04-01",
            "Slutdatumet ligger före startdatumet",
        ),
        ("manager", "?kind=tertial&year=2026&number=4", "Välj ett nummer från 1 till 3"),
        ("coordinator", "?kind=range&start=2026-05-01", "Ange både från- och tilldatum"),
        (
            "manager",
            "?kind=range&year=2026&start=2026-05-01&end=2026-05-31",
            "Valfria datum kan inte väljas",
        ),
    ],
)
def test_bad_periods_get_a_message_and_the_current_month(
    client_for, request, persona, query, message
):
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("reporting:dashboard") + query
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "Statistik: november 2026" in body


def test_the_dashboard_query_count_does_not_grow(
    client_for, coordinator, october, build, django_assert_max_num_queries
):
    client = client_for(coordinator)
    with django_assert_max_num_queries(60) as few:
        client.get(DASH)
    for n in range(20):
        y = build.youth(f"Fler{n} Test")
        build.period(y, D(2026, 10, 1))
        attempt(y, D(2026, 10, 2), "phone", "reached")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(DASH)


def test_the_definitions_page_lists_every_figure(client_for, manager):
    body = client_for(manager).get(reverse("reporting:definitions")).content.decode()
    for definition in d.REGISTRY.values():
        assert str(definition.title) in body


def test_the_dashboard_keeps_its_figures_for_a_while_and_recounts_on_request(
    client_for, coordinator, october, build, settings, django_assert_max_num_queries
):
    from django.core.cache import cache

    cache.clear()
    settings.KAA_STATS_CACHE_SECONDS = 600
    client = client_for(coordinator)
    first = client.get(DASH).content.decode()
    assert "Siffrorna räknades 2026-11-23 09:00" in first
    newcomer = build.youth("Ny Ungdom")
    build.period(newcomer, D(2026, 10, 30))
    with django_assert_max_num_queries(12):  # session, user, audit: no figure recounted
        cached = client.get(DASH).content.decode()
    assert cached.count('<td class="text-end">3</td>') == first.count(
        '<td class="text-end">3</td>'
    )
    fresh = client.get(DASH + "&fresh=1").content.decode()
    assert '<td class="text-end">4</td>' in fresh


def test_the_dashboard_and_the_scb_report_count_the_same_youths(municipality, register):
    """One question, one answer: youths in KAA during 2026H1 (Eva, registered in error, is in
    neither)."""
    from reporting.scb.periods import HalfYear
    from reporting.scb.profile import profile_for
    from reporting.scb.writer import run

    h1 = HalfYear(2026, 1)
    outcome = run(municipality, h1, profile_for(h1), today=dt.date(2026, 11, 23), verified=False)
    assert (
        d.in_kaa_during(_scope(municipality, span=span_of("half_year", 2026, 1)))
        == outcome.youths
        == 5
    )


def test_a_team_without_members_shows_empty_states(
    client_for, coordinator, manager, municipality, october
):
    """Coordinators are told a table is empty; a manager's empty table looks like a small one
    (a "none" would tell the other small figures apart from 0)."""
    from kaa.models import Team

    empty = Team.objects.create(municipality=municipality, name="Tomt team")
    body = client_for(coordinator).get(DASH + f"&team={empty.pk}").content.decode()
    assert "Statistik: oktober 2026 · Tomt team" in body
    assert "Inga under perioden." in body
    assert "Inga ungdomar i KAA vid periodens slut." in body
    body = client_for(manager).get(DASH + f"&team={empty.pk}").content.decode()
    assert "Statistik: oktober 2026 · Tomt team" in body
    assert "Inga under perioden." not in body
    assert "Inga ungdomar i KAA vid periodens slut." not in body
    assert "Övriga, färre än 5 vardera" in body


def test_the_reach_facts_follow_the_contacts_and_a_rebuild_agrees(municipality, october):
    """first_reached_on, last_reached_on and led_to_contact are kept as contacts are saved
    (also back-dated ones), and recomputing them from the contacts gives the same values."""
    from outreach.models import ContactAttempt
    from outreach.queue.reach_facts import reached_facts_rebuild
    from youth.models import KaaPeriod, Youth

    y1 = october["y1"]
    period = y1.periods.get()
    assert period.first_reached_on == D(2026, 10, 31)
    attempt(y1, D(2026, 10, 3), "phone", "reached")  # logged later, happened earlier
    period.refresh_from_db()
    y1.refresh_from_db()
    assert (period.first_reached_on, y1.last_reached_on) == (D(2026, 10, 3), D(2026, 10, 31))
    letter = ContactAttempt.objects.get(youth=y1, channel="letter")
    assert letter.led_to_contact
    kept = (
        list(KaaPeriod.objects.order_by("pk").values_list("first_reached_on", flat=True)),
        list(Youth.objects.order_by("pk").values_list("last_reached_on", flat=True)),
        list(ContactAttempt.objects.order_by("pk").values_list("led_to_contact", flat=True)),
    )
    KaaPeriod.objects.update(first_reached_on=None)
    ContactAttempt.objects.update(led_to_contact=False)
    reached_facts_rebuild()
    rebuilt = (
        list(KaaPeriod.objects.order_by("pk").values_list("first_reached_on", flat=True)),
        list(Youth.objects.order_by("pk").values_list("last_reached_on", flat=True)),
        list(ContactAttempt.objects.order_by("pk").values_list("led_to_contact", flat=True)),
    )
    assert rebuilt == kept


def test_ageing_of_a_past_span_reads_the_contacts(municipality, october, coach):
    """Before October ended nobody in it had been reached in November: a past span must not
    use today's "last reached"."""
    attempt(october["y1"], D(2026, 11, 10), "phone", "reached")
    past = {r["coach"]: r["counts"] for r in d.last_contact_ageing(_scope(municipality))}
    assert past[coach.get_full_name() or coach.username] == [0, 2, 0, 0, 0]
    now = {
        r["coach"]: r["counts"]
        for r in d.last_contact_ageing(_scope(municipality, span=span_of("month", 2026, 11)))
    }
    assert now[coach.get_full_name() or coach.username] == [0, 1, 1, 0, 0]  # 10 Nov, 22 Oct
    late = d.last_contact_ageing(_scope(municipality, span=span_of("month", 2027, 6)))
    assert {r["coach"]: r["counts"] for r in late}[coach.get_full_name() or coach.username] == [
        0,
        0,
        0,
        0,
        2,
    ]


CONTACT_FIGURES = (
    "occupation_at_contact",
    "contacts_by_channel",
    "channel_by_age",
    "reached_by_channel",
)


def test_the_daily_sums_give_the_same_figures_as_counting_live(municipality, october, team):
    from reporting.models import ContactDay, RollupState
    from reporting.stats.rollup import rollup_refresh

    scopes = [
        _scope(municipality),
        _scope(municipality, team=team),
        _scope(municipality, span=span_of("year", 2026)),
        _scope(municipality, span=date_range(D(2026, 10, 15), D(2026, 11, 20))),
    ]
    live = [{k: d.REGISTRY[k].compute(s) for k in CONTACT_FIGURES} for s in scopes]
    rollup_refresh(today=D(2026, 11, 16))  # sums every day up to 1 November
    assert RollupState.objects.get(municipality=municipality).built_through == D(2026, 11, 1)
    assert ContactDay.objects.filter(municipality=municipality).exists()
    summed = [
        {
            k: d.REGISTRY[k].compute(d.Scope(s.municipality_id, s.span, s.team_id, s.today))
            for k in CONTACT_FIGURES
        }
        for s in scopes
    ]
    assert summed == live
    assert rollup_refresh(today=D(2026, 11, 16)) == 0  # nothing new to sum


def test_a_back_dated_contact_re_sums_its_days(
    municipality, october, build, django_capture_on_commit_callbacks
):
    from reporting.stats.rollup import rollup_refresh

    rollup_refresh(today=D(2026, 11, 23))  # summed through 8 November
    with django_capture_on_commit_callbacks(execute=True):
        attempt(october["y4"], D(2026, 10, 18), "home_visit", "reached")
    figures = d.reached_by_channel(_scope(municipality))
    assert ("Hembesök", 1) in figures
    assert d.contacts_by_channel(_scope(municipality))[0]["channel"] == "Telefonsamtal"
