"""Export profiles: one TOML file per range of reporting periods (shipped in `profiles/`).

A profile is data, not code. This module reads and checks it, and answers three questions:
which profile applies to a period, which SCB code an internal code becomes in that period,
and how the file is written. A malformed profile is refused with a message naming the file
and the key, before any row is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from reporting.scb.periods import HalfYear

SHIPPED_DIR = Path(__file__).resolve().parent / "profiles"

FIELDS = (
    "kommunkod",
    "period",
    "person_id",
    "record_type",
    "registration_date",
    "registration_reason",
    "contact_date",
    "occupation_at_contact",
    "measure_type",
    "measure_start",
    "measure_end",
    "occupation_after_measure",
    "ended_date",
    "ended_reason",
)
CODE_LISTS = (
    "registration_reason",
    "occupation_at_contact",
    "measure_type",
    "occupation_after_measure",
    "ended_reason",
)
GRAINS = ("youth_event", "youth_wide")
OVERFLOWS = ("keep_first", "keep_latest", "block_export")
PERSON_ID_FORMATS = ("YYYYMMDDNNNN", "YYYYMMDD-NNNN", "YYMMDDNNNN")
RECORD_TYPES = ("registration", "contact", "measure_started", "measure_ended", "ended")
SEVERITIES = ("block", "warn", "off")


class ProfileError(Exception):
    """The profile file cannot be used; the message says which file and what to fix."""


@dataclass(frozen=True)
class CodeEntry:
    internal: str
    scb: str
    label: str
    valid_from: HalfYear
    valid_to: HalfYear | None
    unknown: bool = False

    def valid_in(self, period: HalfYear) -> bool:
        return self.valid_from <= period and (self.valid_to is None or period <= self.valid_to)


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    repeat: str = ""  # "", "contact" or "measure" (grain youth_wide)


@dataclass
class Profile:
    path: Path
    checksum: str
    name: str
    version: str
    status: str
    valid_from: HalfYear
    valid_to: HalfYear | None
    title: str
    changelog: list[str]
    deadline_days: int
    deadline_dates: dict[str, dt.date]
    file: dict[str, Any]
    grain: str
    max_contacts: int
    max_measures: int
    overflow: str
    record_types: dict[str, str]
    person_id_format: str
    columns: list[Column]
    checks: dict[str, Any]
    severity: dict[str, str]
    codes: dict[str, list[CodeEntry]] = field(default_factory=dict)
    _lookup: dict[tuple[str, str, HalfYear], CodeEntry | None] = field(
        default_factory=dict, repr=False
    )

    @property
    def shipped_unverified(self) -> bool:
        return self.status.upper() != "VERIFIED"

    def covers(self, period: HalfYear) -> bool:
        return self.valid_from <= period and (self.valid_to is None or period <= self.valid_to)

    def code(self, code_list: str, internal: str | None, period: HalfYear) -> CodeEntry | None:
        """The entry for `internal` valid in `period`, or None (a blocking check)."""
        if not internal:
            return None
        key = (code_list, internal, period)
        if key not in self._lookup:
            self._lookup[key] = next(
                (
                    e
                    for e in self.codes.get(code_list, [])
                    if e.internal == internal and e.valid_in(period)
                ),
                None,
            )
        return self._lookup[key]

    def code_map(self, code_list: str, period: HalfYear) -> dict[str, CodeEntry]:
        """Every internal code of `code_list` with its entry valid in `period`: `code()` for
        a whole run, as one dict look-up per value."""
        out: dict[str, CodeEntry] = {}
        for e in self.codes.get(code_list, []):
            if e.internal and e.valid_in(period):
                out.setdefault(e.internal, e)
        return out

    def deadline(self, period: HalfYear) -> dt.date:
        exact = self.deadline_dates.get(str(period))
        return exact or period.end + dt.timedelta(days=self.deadline_days)

    def filename(self, *, kommunkod: str, period: HalfYear) -> str:
        return str(self.file["filename_pattern"]).format(kommunkod=kommunkod, period=period)


def _text(
    data: dict[str, Any],
    key: str,
    where: str,
    *,
    choices: tuple[str, ...] = (),
    allow_empty: bool = False,
) -> str:
    value = data.get(key)
    if not isinstance(value, str) or (not value and not allow_empty):
        raise ProfileError(
            _("%(where)s: nyckeln ”%(key)s” saknas eller är inte en text.")
            % {"where": where, "key": key}
        )
    if choices and value not in choices:
        raise ProfileError(
            _("%(where)s: ”%(key)s” = ”%(value)s” är inte tillåtet (välj %(c)s).")
            % {"where": where, "key": key, "value": value, "c": ", ".join(choices)}
        )
    return value


def _period(value: str, where: str) -> HalfYear | None:
    if value == "":
        return None
    try:
        return HalfYear.parse(value)
    except Exception as exc:
        raise ProfileError(
            _("%(where)s: ”%(value)s” är ingen period (ÅÅÅÅH1/ÅÅÅÅH2).")
            % {"where": where, "value": value}
        ) from exc


def _required_period(value: str, where: str) -> HalfYear:
    start = _period(value, where)
    if start is None:
        raise ProfileError(
            _("%(where)s: nyckeln ”%(key)s” saknas eller är inte en text.")
            % {"where": where, "key": "valid_from"}
        )
    return start


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ProfileError(
            _("%(where)s: avsnittet [%(key)s] saknas.") % {"where": where, "key": key}
        )
    return value


def _codes(raw: dict[str, Any], where: str) -> dict[str, list[CodeEntry]]:
    codes: dict[str, list[CodeEntry]] = {}
    for name in CODE_LISTS:
        entries = raw.get(name)
        if not isinstance(entries, list) or not entries:
            raise ProfileError(
                _("%(where)s: kodlistan codes.%(name)s saknas eller är tom.")
                % {"where": where, "name": name}
            )
        codes[name] = []
        for i, entry in enumerate(entries, start=1):
            at = f"{where} codes.{name}[{i}]"
            start = _required_period(_text(entry, "valid_from", at), at)
            codes[name].append(
                CodeEntry(
                    internal=_text(entry, "internal", at),
                    scb=_text(entry, "scb", at),
                    label=_text(entry, "label", at),
                    valid_from=start,
                    valid_to=_period(_text(entry, "valid_to", at, allow_empty=True), at),
                    unknown=bool(entry.get("unknown", False)),
                )
            )
    return codes


def _columns(raw: Any, where: str, grain: str) -> list[Column]:
    if not isinstance(raw, list) or not raw:
        raise ProfileError(_("%(where)s: inga kolumner ([[columns]]).") % {"where": where})
    columns = []
    for i, col in enumerate(raw, start=1):
        at = f"{where} columns[{i}]"
        repeat = col.get("repeat", "")
        if repeat not in ("", "contact", "measure") or (repeat and grain != "youth_wide"):
            raise ProfileError(
                _(
                    "%(where)s: ”repeat” kan bara vara contact eller measure, och "
                    "bara med grain = youth_wide."
                )
                % {"where": at}
            )
        columns.append(
            Column(
                name=_text(col, "name", at),
                field=_text(col, "field", at, choices=FIELDS),
                repeat=repeat,
            )
        )
    names = [c.name for c in columns]
    if len(set(names)) != len(names) and grain != "youth_wide":
        raise ProfileError(_("%(where)s: två kolumner har samma namn.") % {"where": where})
    return columns


def profile_load(path: Path) -> Profile:
    """Read and check one profile file."""
    where = path.name
    content = path.read_bytes()
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(
            _("%(where)s kan inte läsas: %(error)s") % {"where": where, "error": exc}
        ) from exc
    head = _table(data, "profile", where)
    deadline = _table(data, "deadline", where)
    rows = _table(data, "rows", where)
    file = _table(data, "file", where)
    for key, choices in (
        ("format", ("csv", "xlsx")),
        ("encoding", ()),
        ("delimiter", ()),
        ("date_format", ()),
        ("filename_pattern", ()),
        ("line_ending", ()),
    ):
        _text(file, key, f"{where} [file]", choices=choices)
    grain = _text(rows, "grain", f"{where} [rows]", choices=GRAINS)
    record_types = rows.get("record_types", {})
    if grain == "youth_event" and set(record_types) != set(RECORD_TYPES):
        raise ProfileError(
            _("%(where)s: [rows.record_types] ska ha posttyperna %(types)s.")
            % {"where": where, "types": ", ".join(RECORD_TYPES)}
        )
    severity = dict(_table(data, "checks", where).get("severity", {}))
    for rule, level in severity.items():
        if level not in SEVERITIES:
            raise ProfileError(
                _(
                    "%(where)s: [checks.severity] %(rule)s = ”%(level)s” ska vara "
                    "block, warn eller off."
                )
                % {"where": where, "rule": rule, "level": level}
            )
    start = _required_period(_text(head, "valid_from", f"{where} [profile]"), where)
    return Profile(
        path=path,
        checksum=hashlib.sha256(content).hexdigest(),
        name=_text(head, "name", f"{where} [profile]"),
        version=_text(head, "version", f"{where} [profile]"),
        status=_text(head, "status", f"{where} [profile]"),
        valid_from=start,
        valid_to=_period(_text(head, "valid_to", f"{where} [profile]", allow_empty=True), where),
        title=str(head.get("title", "")),
        changelog=list(head.get("changelog", [])),
        deadline_days=int(deadline.get("days_after_period_end", 60)),
        deadline_dates={
            str(k): v for k, v in deadline.get("periods", {}).items() if isinstance(v, dt.date)
        },
        file=file,
        grain=grain,
        max_contacts=int(rows.get("max_contacts", 0)),
        max_measures=int(rows.get("max_measures", 0)),
        overflow=_text(rows, "overflow", f"{where} [rows]", choices=OVERFLOWS),
        record_types={k: str(v) for k, v in record_types.items()},
        person_id_format=_text(
            _table(data, "person_id", where),
            "format",
            f"{where} [person_id]",
            choices=PERSON_ID_FORMATS,
        ),
        columns=_columns(data.get("columns"), where, grain),
        checks=dict(data["checks"]),
        severity=severity,
        codes=_codes(_table(data, "codes", where), where),
    )


def profile_dirs() -> list[Path]:
    extra = getattr(settings, "KAA_SCB_PROFILE_DIR", "")
    return ([Path(extra)] if extra else []) + [SHIPPED_DIR]


def profiles_all() -> list[Profile]:
    """Every profile file, local directory first (a local file overrides a shipped name)."""
    seen: dict[str, Profile] = {}
    for directory in profile_dirs():
        for path in sorted(directory.glob("*.toml")):
            if path.name not in seen:
                seen[path.name] = profile_load(path)
    return list(seen.values())


def profile_for(period: HalfYear) -> Profile:
    """The profile covering `period`; the one starting latest wins."""
    candidates = [p for p in profiles_all() if p.covers(period)]
    if not candidates:
        raise ProfileError(
            _(
                "Det finns ingen exportprofil för %(period)s. Lägg en profilfil "
                "som gäller perioden i %(dir)s."
            )
            % {"period": period, "dir": profile_dirs()[0]}
        )
    return max(candidates, key=lambda p: p.valid_from)
