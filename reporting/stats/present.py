"""From definitions to what people read: sections with a table and, where it helps, a chart.

The dashboard, the PDF and the xlsx render the same sections, so they always agree. Every
count passes through `Number`, shares through `share`, every breakdown through `merge_small`
(the protection rules for managers and board reports are in reporting.stats.suppress)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting.stats.definitions import AGEING, REGISTRY, Scope
from reporting.stats.suppress import (
    Number,
    median_shown,
    merge_columns,
    merge_small,
    share,
    small_label,
)


@dataclass
class Section:
    key: str
    title: str
    description: str
    headers: list[str]
    rows: list[list[str]]
    chart: list[tuple[str, int, str]] = field(default_factory=list)  # label, bar, shown
    chart_kind: str = "bars"  # bars | columns
    empty: str = ""
    protected: bool = False  # counts shown as bands (reporting.stats.suppress)

    @property
    def chart_max(self) -> int:
        return max([bar for _l, bar, _s in self.chart] or [0]) or 1

    @property
    def geometry(self) -> dict[str, Any]:
        """Bar positions for the server-side SVG (no chart library, no JavaScript)."""
        top = self.chart_max
        if self.chart_kind == "columns":
            bars = [
                {
                    "label": label[:3],
                    "shown": shown,
                    "x": 8 + i * 49,
                    "h": round(170 * bar / top),
                    "y": 190 - round(170 * bar / top),
                }
                for i, (label, bar, shown) in enumerate(self.chart)
            ]
            return {"width": 600, "height": 225, "bars": bars}
        bars = [
            {
                "label": label if len(label) <= 32 else label[:31] + "…",
                "shown": shown,
                "y": i * 26,
                "w": round(300 * bar / top),
            }
            for i, (label, bar, shown) in enumerate(self.chart)
        ]
        return {"width": 600, "height": max(26 * len(bars), 26), "bars": bars}


def _section(key: str, headers: list[str], rows: list[list[str]], **kw: Any) -> Section:
    d = REGISTRY[key]
    return Section(
        key=key,
        title=str(d.title),
        description=str(d.description),
        headers=headers,
        rows=rows,
        **kw,
    )


def _labelled(key: str, data: list[tuple[str, int]], header: str, s: bool) -> Section:
    data = merge_small(
        data,
        size=lambda r: r[1],
        name=lambda r: r[0],
        suppress=s,
        combine=lambda rows: (small_label(), sum(n for _l, n in rows)),
    )
    numbers = [(label, Number(n, suppress=s)) for label, n in data]
    return _section(
        key,
        [header, _("Antal")],
        [[label, str(n)] for label, n in numbers],
        chart=[(label, n.bar, str(n)) for label, n in numbers],
        empty=_("Inga under perioden."),
        protected=s,
    )


def _single(key: str, value: int, s: bool) -> Section:
    return _section(key, [_("Antal")], [[str(Number(value, suppress=s))]], protected=s)


def build(key: str, data: Any, s: bool) -> Section:
    if key in ("in_kaa_at_end", "in_kaa_during", "in_intervention"):
        return _single(key, data, s)
    if key in ("registrations_by_reason", "deregistrations_by_reason"):
        return _labelled(key, data, _("Orsak"), s)
    if key in ("occupation_at_contact", "outcomes_after_interventions"):
        return _labelled(key, data, _("Sysselsättning"), s)
    if key == "reached_by_channel":
        return _labelled(key, data, _("Kanal"), s)
    if key == "interventions_by_type":
        return _labelled(key, data, _("Insats"), s)
    if key in ("caseload_per_coach", "overdue_tasks"):
        return _labelled(key, data, _("Coach"), s)
    return _build_other(key, data, s)


def _sums(rows: list[list[int]], width: int) -> list[int]:
    return [sum(r[i] for r in rows) for i in range(width)]


def _build_other(key: str, data: Any, s: bool) -> Section:  # noqa: C901 - one branch per figure
    if key == "ukaa":
        labels = [
            ("during", _("I UKAA under perioden")),
            ("at_end", _("I UKAA vid periodens slut")),
            ("started", _("Nya UKAA-perioder")),
            ("in_intervention", _("I UKAA med en pågående insats")),
        ]
        return _section(
            key,
            [_("Ungdomar"), _("Antal")],
            [[str(label), str(Number(data[name], suppress=s))] for name, label in labels],
            protected=s,
        )
    if key == "reached":
        total = data["reached"] + data["not_reached"]
        rows = [
            [
                _("Nådda"),
                str(Number(data["reached"], suppress=s)),
                share(data["reached"], total, suppress=s),
            ],
            [
                _("Inte nådda"),
                str(Number(data["not_reached"], suppress=s)),
                share(data["not_reached"], total, suppress=s),
            ],
        ]
        return _section(key, ["", _("Antal"), _("Andel")], rows, protected=s)
    if key == "time_to_first_contact":
        median = data["median_days"]
        rows = [
            [_("Nya registreringar"), str(Number(data["registered"], suppress=s))],
            [_("Varav nådda"), str(Number(data["reached"], suppress=s))],
            [
                _("Median, dagar till första kontakt"),
                str(median)
                if median is not None and median_shown(data["reached"], suppress=s)
                else "–",
            ],
        ]
        return _section(key, ["", _("Värde")], rows, protected=s)
    if key == "contacts_by_channel":
        data = merge_small(
            data,
            size=lambda r: r["attempts"],
            name=lambda r: r["channel"],
            suppress=s,
            combine=lambda rs: {
                "channel": small_label(),
                "attempts": sum(r["attempts"] for r in rs),
                "led_to_contact": sum(r["led_to_contact"] for r in rs),
            },
        )
        rows, chart = [], []
        for r in data:
            attempts = Number(r["attempts"], suppress=s)
            rate = share(r["led_to_contact"], r["attempts"], suppress=s)
            rows.append(
                [r["channel"], str(attempts), str(Number(r["led_to_contact"], suppress=s)), rate]
            )
            chart.append((r["channel"], attempts.bar, str(attempts)))
        return _section(
            key,
            [_("Kanal"), _("Försök"), _("Ledde till kontakt"), _("Svarsfrekvens")],
            rows,
            chart=chart,
            empty=_("Inga kontaktförsök under perioden."),
            protected=s,
        )
    if key == "last_contact_ageing":
        data = merge_small(
            data,
            size=lambda r: sum(r["counts"]),
            name=lambda r: f"{r['team']} {r['coach']}",
            suppress=s,
            combine=lambda rs: {
                "team": small_label(),
                "coach": "",
                "counts": _sums([r["counts"] for r in rs], len(AGEING)),
            },
        )
        headers, counts = merge_columns(
            [str(label) for _k, label in AGEING], [r["counts"] for r in data], suppress=s
        )
        rows = [
            [r["team"], r["coach"], *[str(Number(n, suppress=s)) for n in c]]
            for r, c in zip(data, counts, strict=True)
        ]
        return _section(
            key,
            [_("Team"), _("Coach"), *headers],
            rows,
            empty=_("Inga ungdomar i KAA vid periodens slut."),
            protected=s,
        )
    if key == "channel_by_age":
        ages = [_("%(age)s år") % {"age": a} for a in data["ages"]]
        merged = merge_small(
            data["rows"],
            size=lambda r: sum(r[1]),
            name=lambda r: r[0],
            suppress=s,
            combine=lambda rs: (small_label(), _sums([c for _l, c in rs], len(ages))),
        )
        headers, counts = merge_columns(ages, [c for _l, c in merged], suppress=s)
        rows = [
            [label, *[str(Number(n, suppress=s)) for n in c]]
            for (label, _c), c in zip(merged, counts, strict=True)
        ]
        return _section(
            key, [_("Kanal"), *headers], rows, empty=_("Inga nådda under perioden."), protected=s
        )
    if key == "deadline_compliance":
        return _part_of_whole(
            key,
            [(r["step"], r["due"], r["on_time"]) for r in data],
            [_("Steg"), _("Med datum i perioden"), _("I tid"), _("Andel i tid")],
            _("Inga rutinsteg med datum under perioden."),
            s,
        )
    if key in ("rechecks_by_destination", "rechecks_by_intervention"):
        return _part_of_whole(
            key,
            [(r["group"], r["checked"], r["held"]) for r in data],
            [_("Grupp"), _("Kontrollerade"), _("Höll"), _("Andel som höll")],
            _("Inga besvarade återkontroller under perioden."),
            s,
        )
    if key == "monthly_trend":
        rows, chart = [], []
        for r in data:
            open_n, new_n = Number(r["open"], suppress=s), Number(r["new"], suppress=s)
            rows.append([r["month"].label, str(open_n), str(new_n)])
            chart.append((r["month"].label, open_n.bar, str(open_n)))
        return _section(
            key,
            [_("Månad"), _("I KAA vid månadens slut"), _("Nya registreringar")],
            rows,
            chart=chart,
            chart_kind="columns",
            protected=s,
        )
    raise KeyError(key)


def _part_of_whole(
    key: str, data: list[tuple[str, int, int]], headers: list[str], empty: str, s: bool
) -> Section:
    """Rows of (name, whole, part): the whole, the part and the part's share, small rows
    merged by the whole."""
    data = merge_small(
        data,
        size=lambda r: r[1],
        name=lambda r: r[0],
        suppress=s,
        combine=lambda rs: (small_label(), sum(r[1] for r in rs), sum(r[2] for r in rs)),
    )
    rows = [
        [
            name,
            str(Number(whole, suppress=s)),
            str(Number(part, suppress=s)),
            share(part, whole, suppress=s),
        ]
        for name, whole, part in data
    ]
    return _section(key, headers, rows, empty=empty, protected=s)


DASHBOARD = [
    "in_kaa_at_end",
    "in_kaa_during",
    "monthly_trend",
    "registrations_by_reason",
    "deregistrations_by_reason",
    "reached",
    "time_to_first_contact",
    "occupation_at_contact",
    "contacts_by_channel",
    "channel_by_age",
    "in_intervention",
    "interventions_by_type",
    "outcomes_after_interventions",
    "ukaa",
    "rechecks_by_destination",
    "rechecks_by_intervention",
    "caseload_per_coach",
    "overdue_tasks",
    "last_contact_ageing",
    "deadline_compliance",
]


BOARD = {
    "monthly": [
        "in_kaa_at_end",
        "in_kaa_during",
        "registrations_by_reason",
        "deregistrations_by_reason",
        "reached",
        "time_to_first_contact",
        "contacts_by_channel",
        "in_intervention",
        "interventions_by_type",
        "monthly_trend",
    ],
    "tertial": [
        "in_kaa_at_end",
        "in_kaa_during",
        "monthly_trend",
        "registrations_by_reason",
        "deregistrations_by_reason",
        "reached",
        "time_to_first_contact",
        "occupation_at_contact",
        "contacts_by_channel",
        "channel_by_age",
        "in_intervention",
        "interventions_by_type",
        "outcomes_after_interventions",
        "ukaa",
        "deadline_compliance",
    ],
}
BOARD["half_year"] = BOARD["tertial"]
# Askersund bilaga 4: the annual evaluation's questions, each answered by one definition.
ANNUAL = [
    ("in_kaa_during", gettext_lazy("Hur många ungdomar omfattades av KAA under året?")),
    ("registrations_by_reason", gettext_lazy("Av vilka orsaker registrerades de?")),
    ("occupation_at_contact", gettext_lazy("Vilken sysselsättning hade de vid kontakt?")),
    ("reached", gettext_lazy("Hur många nåddes och hur många nåddes inte?")),
    ("reached_by_channel", gettext_lazy("Genom vilken kanal nåddes de?")),
    ("interventions_by_type", gettext_lazy("Vilka aktiviteter deltog de i?")),
    ("outcomes_after_interventions", gettext_lazy("Vad gick de vidare till efter insatserna?")),
    ("deregistrations_by_reason", gettext_lazy("Varför upphörde aktivitetsansvaret?")),
]


def sections(scope: Scope, keys: list[str], *, suppress: bool) -> list[Section]:
    return [build(key, REGISTRY[key].compute(scope), suppress) for key in keys]


def board_sections(scope: Scope, kind: str) -> list[Section]:
    """A board report's sections; always suppressed (the report leaves the system)."""
    if kind != "annual":
        return sections(scope, BOARD[kind], suppress=True)
    out = []
    for key, question in ANNUAL:
        section = build(key, REGISTRY[key].compute(scope), True)
        section.description = f"{section.title}. {section.description}"
        section.title = str(question)
        out.append(section)
    return out
