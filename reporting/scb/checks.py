"""Validation before export: SCB's logical checks and more.

Each rule has a code, a default severity and a Swedish description; a profile may change the
severity (`[checks.severity]`). Problems carry the youth and a link to where the fix is made.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting.scb.periods import HalfYear
from reporting.scb.profile import CODE_LISTS, CodeEntry, Profile
from reporting.scb.source import Measure, Record
from youth.identification.selectors import Coverage
from youth.personnummer import age_on, birthday

BLOCK, WARN, OFF = "block", "warn", "off"
# A number no id reaches, standing for an argument while a URL is reversed once per run.
_MARKER = 987_654_321_000

DETAIL_LIMIT = 2000  # problems listed per rule; counts are always complete

# Where a problem is fixed: a URL name, its arguments and the link's label.
Where = tuple[str, list[int | str], Promise | str]

LABEL_YOUTH = gettext_lazy("Ungdomens sida")
LABEL_PERIOD = gettext_lazy("Rätta KAA-perioden")
LABEL_MEASURE = gettext_lazy("Rätta insatsen")
LABEL_PERSON = gettext_lazy("Rätta personuppgifterna")
LABEL_HISTORY = gettext_lazy("Kontakthistoriken")
LABEL_OCCUPATION = gettext_lazy("Registrera sysselsättning")
LABEL_CLOSE = gettext_lazy("Avsluta KAA-perioden")
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # the digit sum of 2 × d


def luhn_ok(digits: str) -> bool:
    """The Luhn check of a string of digits (the personnummer's last ten)."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = ord(char) - 48
        total += _DOUBLED[d] if i % 2 else d
    return total % 10 == 0


RULES: dict[str, tuple[str, object]] = {
    "PNR_INVALID": (BLOCK, gettext_lazy("Personnumret är ogiltigt (längd eller kontrollsiffra).")),
    "REASON_UNMAPPED": (BLOCK, gettext_lazy("Registreringsorsaken saknar SCB-kod i profilen.")),
    "REASON_UNKNOWN": (WARN, gettext_lazy("Registreringsorsaken rapporteras som okänd.")),
    "REGISTERED_AT_20": (
        BLOCK,
        gettext_lazy("Ungdomen var 20 år eller äldre vid registreringen."),
    ),
    "YOUNG_AT_REGISTRATION": (WARN, gettext_lazy("Ungdomen var ovanligt ung vid registreringen.")),
    "CONTACT_OUTSIDE_PERIOD": (
        BLOCK,
        gettext_lazy(
            "En kontakt är loggad på KAA-perioden men ligger före registreringen eller efter "
            "avslutet."
        ),
    ),
    "NO_CONTACT": (
        WARN,
        gettext_lazy(
            "Ungdomen nåddes inte under halvåret: ingen kontakt där ungdomen nåddes "
            "(kontaktförsök utan svar räknas inte)."
        ),
    ),
    "CONTACT_OCCUPATION_MISSING": (
        WARN,
        gettext_lazy("Sysselsättning vid kontakt saknas och rapporteras som okänd."),
    ),
    "OCCUPATION_UNMAPPED": (BLOCK, gettext_lazy("En sysselsättning saknar SCB-kod i profilen.")),
    "MEASURE_BROKEN": (
        BLOCK,
        gettext_lazy(
            "En insats har slutdatum men inget startdatum, eller slutar innan den börjar."
        ),
    ),
    "MEASURE_OUTSIDE_PERIOD": (BLOCK, gettext_lazy("En insats startar utanför KAA-perioden.")),
    "MEASURE_UNMAPPED": (BLOCK, gettext_lazy("En insatstyp saknar SCB-kod i profilen.")),
    "MEASURE_AFTER_MISSING": (
        BLOCK,
        gettext_lazy("En avslutad insats saknar sysselsättning efter insatsen."),
    ),
    "END_REASON_WITHOUT_DATE": (
        BLOCK,
        gettext_lazy("Skäl till avslut är angivet men slutdatum saknas."),
    ),
    "ENDED_UNMAPPED": (BLOCK, gettext_lazy("Avregistreringsorsaken saknar SCB-kod i profilen.")),
    "OVER_20_OPEN": (
        BLOCK,
        gettext_lazy("Ungdomen har fyllt 20 men KAA-perioden är inte avslutad vid 20-årsdagen."),
    ),
    "SHOULD_BE_CLOSED": (
        WARN,
        gettext_lazy(
            "Sysselsättningen (t.ex. nationellt program) avslutar aktivitetsansvaret men perioden "
            "är öppen."
        ),
    ),
    "DUPLICATE": (BLOCK, gettext_lazy("Ungdomen har två KAA-perioder som överlappar.")),
    "TOO_MANY": (BLOCK, gettext_lazy("Fler kontakter eller insatser än filformatet rymmer.")),
    "SHARE_OTHER_MEASURE": (
        WARN,
        gettext_lazy("En stor andel av insatserna rapporteras som ”annan åtgärd”."),
    ),
    "PROFILE_UNVERIFIED": (
        WARN,
        gettext_lazy("Exportprofilen är inte jämförd med SCB:s aktuella datafilsbeskrivning."),
    ),
    "PERIOD_NOT_OVER": (WARN, gettext_lazy("Halvåret är inte slut; uppgifterna kan ändras.")),
    "NO_YOUTHS": (WARN, gettext_lazy("Inga ungdomar att rapportera för halvåret.")),
    "COVERAGE_INCOMPLETE": (
        WARN,
        gettext_lazy(
            "Alla som registren (folkbokföring, skolor, examina) sätter i målgruppen finns inte i "
            "KAA-registret."
        ),
    ),
    "COVERAGE_OUTSIDE": (
        WARN,
        gettext_lazy("Ungdomar med öppen KAA-period hör inte till målgruppen enligt registren."),
    ),
}


@dataclass
class Problem:
    rule: str
    severity: str
    message: str
    youth_id: int | None = None
    name: str = ""
    personnummer: str = ""
    link: str = ""
    link_label: str = ""


@dataclass
class Quality:
    youths: int = 0
    with_reason: int = 0
    with_occupation: int = 0
    with_contact: int = 0

    def share(self, part: int) -> int:
        return round(100 * part / self.youths) if self.youths else 0

    @property
    def score(self) -> int:
        if not self.youths:
            return 0
        return round(
            (
                self.share(self.with_reason)
                + self.share(self.with_occupation)
                + self.share(self.with_contact)
            )
            / 3
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "youths": self.youths,
            "with_reason": self.with_reason,
            "with_occupation": self.with_occupation,
            "with_contact": self.with_contact,
            "reason_pct": self.share(self.with_reason),
            "occupation_pct": self.share(self.with_occupation),
            "contact_pct": self.share(self.with_contact),
            "score": self.score,
        }


@dataclass
class Findings:
    """Problems found in one run; counts are complete, details capped per rule."""

    counts: Counter[str] = field(default_factory=Counter)
    severity_of: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    quality: Quality = field(default_factory=Quality)
    excluded: list[tuple[int, str, str, str]] = field(default_factory=list)
    measures: int = 0
    measures_other: int = 0
    youths: int = 0  # distinct youths (a youth with two periods in the half-year counts once)

    @property
    def blocking(self) -> int:
        return sum(n for rule, n in self.counts.items() if self.severity_of[rule] == BLOCK)

    @property
    def warnings(self) -> int:
        return sum(n for rule, n in self.counts.items() if self.severity_of[rule] == WARN)

    def summary(self) -> dict[str, object]:
        return {
            "blocking": self.blocking,
            "warnings": self.warnings,
            "rules": dict(self.counts),
            "quality": self.quality.as_dict(),
            "excluded": len(self.excluded),
            "youths": self.youths,
        }


class Checker:
    def __init__(self, profile: Profile, period: HalfYear) -> None:
        self.profile, self.period = profile, period
        self.findings = Findings()
        self._last: Record | None = None
        self._urls: dict[str, str] = {}
        self._texts: dict[int, tuple[Promise, str]] = {}  # a lazy text translated once per run
        self._levels = {
            rule: profile.severity.get(rule, default) for rule, (default, _t) in RULES.items()
        }
        # The profile's code lists for this period, one dict each (internal code -> entry).
        self.codes: dict[str, dict[str, CodeEntry]] = {
            name: profile.code_map(name, period) for name in CODE_LISTS
        }
        self._min_age = int(profile.checks.get("min_age_at_registration", 15))
        self._last_days: dict[dt.date, dt.date] = {}

    def severity(self, rule: str) -> str:
        return self._levels[rule]

    def _text(self, text: Promise | str) -> str:
        if isinstance(text, str):
            return text
        cached = self._texts.get(id(text))
        if cached is None or cached[0] is not text:  # kept, so that no other text takes its id
            cached = self._texts[id(text)] = (text, str(text))
        return cached[1]

    def add(
        self,
        rule: str,
        rec: Record | None = None,
        *,
        detail: str = "",
        where: Where | None = None,
    ) -> None:
        """Count a problem; its details (and the link to the fix, built only now: reversing
        URLs for every clean record would double the run time) up to DETAIL_LIMIT."""
        level = self._levels[rule]
        if level == OFF:
            return
        f = self.findings
        f.severity_of[rule] = level
        f.counts[rule] += 1
        if f.counts[rule] > DETAIL_LIMIT:
            return
        message = self._text(RULES[rule][1]) + (f" {detail}" if detail else "")  # type: ignore[arg-type]
        link = link_label = ""
        if where is not None:
            name, args, label = where
            link, link_label = self._url(name, args), self._text(label)
        elif rec is not None:
            link, link_label = self._url("youth:detail", [rec.youth_id]), self._text(LABEL_YOUTH)
        f.problems.append(
            Problem(
                rule=rule,
                severity=level,
                message=message,
                youth_id=rec.youth_id if rec else None,
                name=rec.name if rec else "",
                personnummer=rec.personnummer if rec else "",
                link=link,
                link_label=link_label,
            )
        )

    # --- per record ----------------------------------------------------------------------

    def check(self, rec: Record) -> None:
        if self._last is None or self._last.youth_id != rec.youth_id:
            self.findings.youths += 1
        self._identity(rec)
        self._registration(rec)
        self._contacts(rec)
        self._measures(rec)
        self._ending(rec)
        self._quality(rec)
        self._last = rec

    def _to(self, name: str, args: list[int | str], label: Promise | str) -> Where:
        return (name, args, label)

    def _url(self, name: str, args: list[int | str]) -> str:
        """`reverse(name, args=args)`, reversed once per URL name and run, then filled in:
        a run lists thousands of links, and Django's reverse costs more than the record."""
        template = self._urls.get(name)
        if template is None:
            markers = [str(_MARKER + i) for i in range(len(args))]
            template = reverse(name, args=markers)
            for i, marker in enumerate(markers):
                template = template.replace(marker, "{%d}" % i)  # noqa: UP031
            self._urls[name] = template
        return template.format(*(quote(str(arg), safe="") for arg in args))

    def _period_link(self, rec: Record) -> Where:
        return ("youth:period_edit", [rec.youth_id, rec.period_id], LABEL_PERIOD)

    def _plan_link(self, rec: Record, m: Measure) -> Where:
        return (
            "plans:intervention_edit",
            [rec.youth_id, m.plan_id, m.intervention_id],
            LABEL_MEASURE,
        )

    def _identity(self, rec: Record) -> None:
        pnr = rec.personnummer
        if len(pnr) != 12 or not pnr.isdigit() or not luhn_ok(pnr[2:]):
            self.add(
                "PNR_INVALID",
                rec,
                where=("youth:edit", [rec.youth_id], LABEL_PERSON),
            )
        last = self._last
        if (
            last is not None
            and last.youth_id == rec.youth_id
            and (last.period_end is None or last.period_end >= rec.registration_date)
        ):
            self.add("DUPLICATE", rec, where=self._period_link(rec))

    def _registration(self, rec: Record) -> None:
        entry = self.codes["registration_reason"].get(rec.registration_reason)
        where = self._period_link(rec)
        if entry is None:
            self.add(
                "REASON_UNMAPPED", rec, detail=f"({rec.registration_reason_label})", where=where
            )
        elif entry.unknown:
            self.add(
                "REASON_UNKNOWN", rec, detail=f"({rec.registration_reason_label})", where=where
            )
        age = age_on(rec.birth_date, rec.registration_date)
        if age >= 20:
            self.add("REGISTERED_AT_20", rec, where=where)
        elif age < self._min_age:
            self.add(
                "YOUNG_AT_REGISTRATION", rec, detail=_("(%(age)s år)") % {"age": age}, where=where
            )

    def _contacts(self, rec: Record) -> None:
        history: Where = ("outreach:youth_tab", [rec.youth_id], LABEL_HISTORY)
        for day in rec.stray_contacts:
            self.add("CONTACT_OUTSIDE_PERIOD", rec, detail=f"({day.isoformat()})", where=history)
        if not rec.contacts:
            self.add("NO_CONTACT", rec, where=history)
        for c in rec.contacts:
            if c.occupation is None:
                self.add(
                    "CONTACT_OCCUPATION_MISSING",
                    rec,
                    detail=f"({c.on.isoformat()})",
                    where=("youth:occupation_add", [rec.youth_id], LABEL_OCCUPATION),
                )
            elif c.occupation not in self.codes["occupation_at_contact"]:
                self.add("OCCUPATION_UNMAPPED", rec, detail=f"({c.occupation})")

    def _measures(self, rec: Record) -> None:
        for m in rec.stray_measures:
            rule = (
                "MEASURE_BROKEN"
                if m.start is None or (m.end and m.end < m.start)
                else "MEASURE_OUTSIDE_PERIOD"
            )
            self.add(rule, rec, detail=f"({m.name})", where=self._plan_link(rec, m))
        for m in rec.measures:
            self.findings.measures += 1
            if not m.code or m.code not in self.codes["measure_type"]:
                self.add(
                    "MEASURE_UNMAPPED",
                    rec,
                    detail=f"({m.name}: {m.code})",
                    where=self._plan_link(rec, m),
                )
            elif m.code == "ANNAN":
                self.findings.measures_other += 1
            if m.end is None and m.end_reason:
                self.add(
                    "END_REASON_WITHOUT_DATE",
                    rec,
                    detail=f"({m.name})",
                    where=self._plan_link(rec, m),
                )
        for m in rec.measures_ended(self.period):
            if not m.went_on_to:
                self.add(
                    "MEASURE_AFTER_MISSING",
                    rec,
                    detail=f"({m.name})",
                    where=self._plan_link(rec, m),
                )
            elif m.went_on_to not in self.codes["occupation_after_measure"]:
                self.add(
                    "OCCUPATION_UNMAPPED",
                    rec,
                    detail=f"({m.went_on_to})",
                    where=self._plan_link(rec, m),
                )

    def last_day_before_20(self, birth: dt.date) -> dt.date:
        found = self._last_days.get(birth)
        if found is None:
            found = birthday(birth, 20)
            if self.profile.checks.get("age20_end", "day_before") != "birthday":
                found -= dt.timedelta(days=1)
            self._last_days[birth] = found
        return found

    def _ending(self, rec: Record) -> None:
        where = self._period_link(rec)
        if rec.end_reason and rec.period_end is None:
            self.add("END_REASON_WITHOUT_DATE", rec, where=where)
        if (
            rec.ended_within(self.period)
            and self.codes["ended_reason"].get(rec.end_reason or "") is None
        ):
            self.add("ENDED_UNMAPPED", rec, detail=f"({rec.end_reason_label})", where=where)
        last_day = self.last_day_before_20(rec.birth_date)
        if last_day <= self.period.end and (rec.period_end is None or rec.period_end > last_day):
            self.add(
                "OVER_20_OPEN",
                rec,
                detail=_("(senast %(day)s)") % {"day": last_day.isoformat()},
                where=where,
            )
        if rec.period_end is None and rec.occupation_ends_kaa:
            self.add(
                "SHOULD_BE_CLOSED",
                rec,
                where=("youth:period_close", [rec.youth_id], LABEL_CLOSE),
            )

    def _quality(self, rec: Record) -> None:
        q = self.findings.quality
        q.youths += 1
        entry = self.codes["registration_reason"].get(rec.registration_reason)
        q.with_reason += entry is not None and not entry.unknown
        q.with_occupation += (
            bool(rec.occupation_now)
            and rec.occupation_now != "OKAND"
            or any(c.occupation and c.occupation != "OKAND" for c in rec.contacts)
        )
        q.with_contact += bool(rec.contacts)

    def excluded(self, youth_id: int, name: str, personnummer: str, why: str) -> None:
        self.findings.excluded.append((youth_id, name, personnummer, why))

    # --- whole file ----------------------------------------------------------------------

    def _coverage(self, coverage: Coverage) -> None:
        """The register against the target group the registers give (the latest
        identification run): a warning while coverage is below 100 %, and one for youths
        registered outside the group."""
        if coverage.missing:
            self.add(
                "COVERAGE_INCOMPLETE",
                detail=_("(%(registered)s av %(in_group)s, %(percent)s %%; %(missing)s saknas)")
                % {
                    "registered": coverage.registered,
                    "in_group": coverage.in_group,
                    "percent": coverage.percent,
                    "missing": coverage.missing,
                },
                where=self._to(
                    "youth:identification:coverage_list",
                    ["saknas"],
                    gettext_lazy("Visa vilka som saknas"),
                ),
            )
        if coverage.outside:
            self.add(
                "COVERAGE_OUTSIDE",
                detail=_("(%(n)s)") % {"n": coverage.outside},
                where=self._to(
                    "youth:identification:coverage_list", ["utanfor"], gettext_lazy("Visa vilka")
                ),
            )

    def finish(
        self, *, today: dt.date, verified: bool, coverage: Coverage | None = None
    ) -> Findings:
        f = self.findings
        if coverage is not None:
            self._coverage(coverage)
        if not verified:
            self.add("PROFILE_UNVERIFIED")
        if self.period.end >= today:
            self.add("PERIOD_NOT_OVER")
        if f.quality.youths == 0:
            self.add("NO_YOUTHS")
        limit = float(self.profile.checks.get("max_share_other_measure", 1.0))
        if f.measures and f.measures_other / f.measures > limit:
            self.add(
                "SHARE_OTHER_MEASURE",
                detail=_("(%(n)s av %(total)s)") % {"n": f.measures_other, "total": f.measures},
            )
        return f
