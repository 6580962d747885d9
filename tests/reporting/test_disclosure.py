"""Differencing attacks on what a manager (and a board report) sees.

Each test does what a curious manager would: read the figures the product shows, take the
documented meaning of each ("<5", a band, an exact number), and subtract one shown figure from
another to work out a hidden count. The attack from the security probe was: total minus the
shown reasons, and one date range minus an overlapping one, gave "exactly one youth registered
on 2026-01-02 with reason Annan orsak"."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from reporting.board.services import board_report_build
from reporting.stats.periods import span_of
from reporting.stats.suppress import Number, share
from tests.reporting.conftest import D

pytestmark = pytest.mark.django_db
DASH = reverse("reporting:dashboard")
MERGED = "Övriga, färre än 5 vardera"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-23 09:00 +01:00", tick=False)


# --- the attacker's reading of a shown figure ------------------------------------------------


def _interval(cell: object, zero_in_band: bool) -> tuple[int, int]:
    """What a shown count tells: "<5" is 1-4 where 0 is shown as 0 (0-4 where the page says
    0 is inside "<5"), "10–14" a band, a number itself."""
    text = str(cell).strip()
    if text.startswith("<"):
        return (0 if zero_in_band else 1), int(text[1:]) - 1
    if "–" in text:
        low, high = text.split("–")
        return int(low), int(high)
    return int(text), int(text)


def _own(rows: list[list[str]], label: str, z: bool) -> tuple[int, int]:
    """What one breakdown tells about the count of `label`: its own row, or somewhere inside
    the merged row, or (not listed at all) zero."""
    for row in rows:
        if row[0] == label:
            return _interval(row[1], z)
    for row in rows:
        if row[0] == MERGED:
            return 0, _interval(row[1], z)[1]
    return 0, 0


def _solve(
    own: tuple[int, int], total: tuple[int, int], others: list[tuple[int, int]]
) -> tuple[int, int]:
    """The values of X that X = total - sum(others) and X's own figure both allow."""
    low = max(own[0], total[0] - sum(o[1] for o in others))
    high = min(own[1], total[1] - sum(o[0] for o in others))
    return low, high


def _isolate(rows: list[list[str]], label: str, total: tuple[int, int], z: bool):
    """The count of `label` from a breakdown and its total: total minus the other rows (the
    rest of a merged row, if `label` is inside it, can be anything up to the row)."""
    others = [_interval(r[1], z) for r in rows if r[0] not in (label, MERGED)]
    merged = [r for r in rows if r[0] == MERGED]
    if merged:
        others.append((0, _interval(merged[0][1], z)[1]))
    return _solve(_own(rows, label, z), total, others)


def _page(client, query: str) -> BeautifulSoup:
    response = client.get(DASH + query)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _zero_in_band(page: BeautifulSoup) -> bool:
    return "även 0" in page.get_text()


def _table(page: BeautifulSoup, key: str) -> list[list[str]]:
    section = page.find(id=f"h-{key}").find_parent("section")
    return [
        [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        for tr in section.select("table tbody tr")
    ]


def _row(rows: list[list[str]], label: str) -> list[str]:
    return next(r for r in rows if r[0] == label)


def _register(build, day: dt.date, code: str, n: int = 1, team=None) -> None:
    for i in range(n):
        youth = build.youth(f"{code.title()}{day:%m%d}{i} Test")
        if team is not None:
            youth.team = team
            youth.save(update_fields=["team"])
        build.period(youth, day, code)


@pytest.fixture
def january(build):
    """January 2026: 7 + 6 youths registered for two reasons, and exactly one, on 2 January,
    with reason Annan orsak (the probe's finding)."""
    for day in range(7):
        _register(build, D(2026, 1, 3 + day), "AVBROTT_NATIONELLT")
    for day in range(6):
        _register(build, D(2026, 1, 12 + day), "STUDIEBEVIS")
    _register(build, D(2026, 1, 2), "OVRIGT")


# --- the attacks -----------------------------------------------------------------------------


def test_total_minus_the_shown_reasons_does_not_give_the_one_annan_orsak(
    client_for, manager, january
):
    page = _page(client_for(manager), "?kind=month&year=2026&number=1")
    z = _zero_in_band(page)
    reasons = _table(page, "registrations_by_reason")
    totals = [
        _interval(_row(_table(page, "monthly_trend"), "januari 2026")[2], z),
        _interval(_row(_table(page, "time_to_first_contact"), "Nya registreringar")[1], z),
        _interval(_table(page, "in_kaa_at_end")[0][0], z),
    ]
    for total in totals:
        low, high = _isolate(reasons, "Annan orsak", total, z)
        assert high > low, f"Annan orsak = {low} from total {total} and {reasons}"
    assert "Annan orsak" not in [r[0] for r in reasons]  # a small category is never alone


def test_a_manager_cannot_ask_for_a_day_or_an_overlapping_custom_range(
    client_for, manager, january
):
    client = client_for(manager)
    for start, end in (
        ("2026-01-02", "2026-01-02"),
        ("2026-01-01", "2026-02-28"),
        ("2026-01-01", "2026-01-31"),
    ):
        page = _page(client, f"?kind=range&year=2026&start={start}&end={end}")
        text = page.get_text()
        assert "Valfria datum kan inte väljas" in text
        assert "Statistik: november 2026" in text  # the current month, not the range
        assert start not in text
        assert "Annan orsak" not in text
    form = _page(client, "").find("select", id="id_kind")
    assert "range" not in [o["value"] for o in form.find_all("option")]
    assert _page(client, "").find(id="id_start") is None


def test_a_coordinator_keeps_exact_figures_and_day_ranges(client_for, coordinator, january):
    page = _page(client_for(coordinator), "?kind=range&year=2026&start=2026-01-02&end=2026-01-02")
    assert "Statistik: 2026-01-02 – 2026-01-02" in page.get_text()
    assert _row(_table(page, "registrations_by_reason"), "Annan orsak")[1] == "1"


def test_a_tertial_minus_its_other_months_does_not_give_one_month(client_for, manager, build):
    """(January-April) minus January, March and April would be February: five youths with
    reason Annan orsak in January and one in February."""
    for day in range(5):
        _register(build, D(2026, 1, 2 + day), "OVRIGT")
    _register(build, D(2026, 2, 10), "OVRIGT")
    client = client_for(manager)
    tertial = _page(client, "?kind=tertial&year=2026&number=1")
    months = {n: _page(client, f"?kind=month&year=2026&number={n}") for n in (1, 2, 3, 4)}
    z = _zero_in_band(tertial)
    own = {
        n: _own(_table(p, "registrations_by_reason"), "Annan orsak", z) for n, p in months.items()
    }
    total = _own(_table(tertial, "registrations_by_reason"), "Annan orsak", z)
    low, high = _solve(own[2], total, [own[1], own[3], own[4]])
    assert high > low, f"February's Annan orsak = {low}"
    # The same with the months' totals: the tertial's new registrations minus three months.
    trend = _table(tertial, "monthly_trend")
    new = {
        n: _interval(_row(trend, f"{m} 2026")[2], z)
        for n, m in ((1, "januari"), (2, "februari"), (3, "mars"), (4, "april"))
    }
    registered = _interval(
        _row(_table(tertial, "time_to_first_contact"), "Nya registreringar")[1], z
    )
    low, high = _solve(new[2], registered, [new[1], new[3], new[4]])
    assert high > low, f"February's new registrations = {low}"


def test_zero_is_not_shown_so_small_months_under_a_small_total_stay_hidden(
    client_for, manager, build
):
    """One registration in each month of a tertial: were 0 shown as 0, four months of "<5"
    (each at least one) under a tertial of "<5" (at most four) would each be exactly one."""
    for month in (1, 2, 3, 4):
        _register(build, D(2026, month, 5), "AVBROTT_NATIONELLT")
    page = _page(client_for(manager), "?kind=tertial&year=2026&number=1")
    z = _zero_in_band(page)
    trend = _table(page, "monthly_trend")
    new = [
        _interval(_row(trend, f"{m} 2026")[2], z) for m in ("januari", "februari", "mars", "april")
    ]
    registered = _interval(_row(_table(page, "time_to_first_contact"), "Nya registreringar")[1], z)
    low, high = _solve(new[0], registered, new[1:])
    assert high > low, f"January's new registrations = {low}"
    assert ">0<" not in str(page.find(id="h-monthly_trend").find_parent("section"))


def test_the_municipality_minus_a_team_does_not_give_a_small_team(
    client_for, manager, build, team, other_team
):
    """Team Norr has six youths in KAA, Team Söder one, nobody is without a team."""
    _register(build, D(2026, 1, 5), "AVBROTT_NATIONELLT", n=6, team=team)
    _register(build, D(2026, 1, 2), "OVRIGT", team=other_team)
    client = client_for(manager)
    query = "?kind=month&year=2026&number=1"
    whole = _page(client, query)
    z = _zero_in_band(whole)
    for key in ("in_kaa_at_end", "in_kaa_during"):
        municipality = _interval(_table(whole, key)[0][0], z)
        norr = _interval(_table(_page(client, query + f"&team={team.pk}"), key)[0][0], z)
        soder = _interval(_table(_page(client, query + f"&team={other_team.pk}"), key)[0][0], z)
        low, high = _solve(soder, municipality, [norr])
        assert high > low, f"Team Söder's {key} = {low}"
    # The per-team table of the whole municipality (its rows add up to the figure above)
    # does not list the small team on its own either.
    ageing = _table(whole, "last_contact_ageing")
    assert [r[0] for r in ageing] == ["Team Norr", MERGED]


def test_the_board_report_for_a_manager_applies_the_same(municipality, manager, january):
    report = board_report_build(
        municipality=municipality, kind="monthly", span=span_of("month", 2026, 1), actor=manager
    )
    book = load_workbook(io.BytesIO(report.xlsx.open("rb").read()), read_only=True)
    sheets = {
        str(ws.cell(1, 1).value).split(": ", 1)[1]: [
            [c for c in row] for row in ws.iter_rows(min_row=4, values_only=True)
        ]
        for ws in book.worksheets
    }
    z = "även 0" in str(book.worksheets[0].cell(2, 1).value)
    reasons = [[str(c) for c in r] for r in sheets["Nya registreringar per orsak"]]
    trend = {r[0]: r for r in sheets["Utveckling per månad"]}
    total = _interval(trend["januari 2026"][2], z)
    low, high = _isolate(reasons, "Annan orsak", total, z)
    assert high > low, f"Annan orsak = {low} in the xlsx"
    assert "Annan orsak" not in [r[0] for r in reasons]
    with report.pdf.open("rb") as f:
        text = " ".join(
            " ".join(p.extract_text() for p in PdfReader(io.BytesIO(f.read())).pages).split()
        )
    assert "Annan orsak" not in text
    assert "10–14" in text
    assert not re.search(r"januari 2026 \d+ 14\b", text)


def _normalised(body: bytes) -> str:
    text = body.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    text = re.sub(r'nonce="[^"]*"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", text)


def test_one_youth_more_or_less_changes_nothing_a_manager_can_see(
    client_for, manager, municipality, build
):
    """The page (tables, chart bars, SVG texts) and the board report depend only on the bands:
    a register with one or two youths with reason Annan orsak gives the same page as long as
    the figures stay in their bands."""
    for day in range(6):
        _register(build, D(2026, 1, 3 + day), "AVBROTT_NATIONELLT")
    for day in range(4):
        _register(build, D(2026, 1, 12 + day), "STUDIEBEVIS")
    _register(build, D(2026, 1, 2), "OVRIGT")
    client = client_for(manager)
    query = DASH + "?kind=month&year=2026&number=1&fresh=1"

    def seen():
        report = board_report_build(
            municipality=municipality,
            kind="monthly",
            span=span_of("month", 2026, 1),
            actor=manager,
        )
        book = load_workbook(io.BytesIO(report.xlsx.open("rb").read()), read_only=True)
        cells = [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]
        return _normalised(client.get(query).content), cells

    before = seen()
    _register(build, D(2026, 1, 2), "OVRIGT")
    after = seen()
    assert "<svg" in before[0]
    assert after[0] == before[0]
    assert after[1] == before[1]


def test_a_share_does_not_give_away_the_rest(client_for, manager, build):
    """23 reached of 24: "96 %" of a band 20–24 would mean exactly one not reached."""
    from tests.reporting.conftest import attempt

    for i in range(24):
        youth = build.youth(f"Nu{i} Test")
        build.period(youth, D(2026, 1, 2))
        if i:
            attempt(youth, D(2026, 1, 20), "phone", "reached")
    rows = _table(_page(client_for(manager), "?kind=month&year=2026&number=1"), "reached")
    assert rows == [["Nådda", "20–24", "–"], ["Inte nådda", "<5", "–"]]


# --- the rules themselves ------------------------------------------------------------------


def test_bands_bars_and_shares():
    shown = [
        (str(Number(n, suppress=True)), Number(n, suppress=True).bar)
        for n in (0, 1, 4, 5, 9, 10, 14, 233)
    ]
    assert shown == [
        ("<5", 0),
        ("<5", 0),
        ("<5", 0),
        ("5–9", 7),
        ("5–9", 7),
        ("10–14", 12),
        ("10–14", 12),
        ("230–234", 232),
    ]
    assert (str(Number(3, suppress=False)), Number(3, suppress=False).bar) == ("3", 3)
    assert share(23, 24, suppress=True) == "–"
    assert share(4, 24, suppress=True) == "–"
    assert share(15, 23, suppress=True) == "70 %"
    assert share(15, 23, suppress=False) == "65 %"


def test_a_breakdown_never_has_a_multiple_of_five_rows_and_sorts_by_band():
    from reporting.stats.suppress import merge_columns, merge_small, small_label

    assert small_label() == MERGED

    def rows_of(counts):
        return merge_small(
            [(f"r{i}", n) for i, n in enumerate(counts)],
            size=lambda r: r[1],
            name=lambda r: r[0],
            suppress=True,
            combine=lambda rs: ("Övriga", sum(n for _l, n in rs)),
        )

    for listed in range(12):
        assert len(rows_of([7] * listed + [1, 2])) % 5
    assert rows_of([9, 30, 5, 1]) == [("r1", 30), ("r0", 9), ("r2", 5), ("Övriga", 1)]
    assert rows_of([9, 8, 7, 6]) == [("r0", 9), ("r1", 8), ("r2", 7), ("Övriga", 6)]
    assert rows_of([]) == [("Övriga", 0)]
    headers, cells = merge_columns(["a", "b", "c", "d", "e"], [[1, 2, 3, 4, 5]], suppress=True)
    assert (headers, cells) == (["a", "b", "c", "d eller e"], [[1, 2, 3, 9]])
