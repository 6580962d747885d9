"""Write the SCB file and its readable xlsx twin, streaming, all or nothing.

Rows go straight to temporary files next to the targets; only a complete run is moved into
place (os.replace), so an error or a refused export leaves no partial file behind.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from kaa.lib.spreadsheets import safe_cell
from kaa.models import Municipality
from reporting.scb.checks import Checker, Findings
from reporting.scb.periods import HalfYear
from reporting.scb.profile import Profile, ProfileError
from reporting.scb.rows import RowMaker, digest
from reporting.scb.source import Excluded, period_records
from youth.identification import selectors as identification


@dataclass
class Outcome:
    findings: Findings
    rows: int = 0
    youths: int = 0
    written: bool = False
    sha256: str = ""
    size: int = 0


def _temp(target: Path) -> Path:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".scb-", suffix=target.suffix)
    os.close(fd)
    return Path(name)


class _Sink:
    """The profile's file (csv or xlsx) plus an optional readable xlsx."""

    def __init__(
        self, profile: Profile, out: Path | None, readable: Path | None, header: list[str]
    ) -> None:
        self.profile, self.header = profile, header
        self.paths: dict[Path, Path] = {}
        self._text: IO[str] | None = None
        self._csv: Any = None
        self._book: Workbook | None = None
        self._sheet: Any = None
        self._readable_book: Workbook | None = None
        self._readable_sheet: Any = None
        if out is not None:
            self.paths[out] = _temp(out)
            if profile.file["format"] == "csv":
                self._open_csv(self.paths[out])
            else:
                self._book, self._sheet = self._open_book(
                    str(profile.file.get("sheet_name", "KAA"))
                )
        if readable is not None:
            self.paths[readable] = _temp(readable)
            self._readable_book, self._readable_sheet = self._open_book(_("Rader"))

    def _open_csv(self, path: Path) -> None:
        f = self.profile.file
        self._text = open(path, "w", encoding=str(f["encoding"]), newline="")  # noqa: SIM115
        self._csv = csv.writer(
            self._text, delimiter=str(f["delimiter"]), lineterminator=str(f["line_ending"])
        )
        if f.get("header_row", True):
            self._csv.writerow(self.header)

    def _open_book(self, title: str) -> tuple[Workbook, Any]:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=title[:31])
        sheet.append([safe_cell(h) for h in self.header])
        return book, sheet

    def write(self, row: list[str]) -> None:
        if self._csv is not None:
            try:
                self._csv.writerow(row)
            except UnicodeEncodeError as exc:
                raise ProfileError(
                    _("Ett värde kan inte skrivas med teckenkodningen %(enc)s.")
                    % {"enc": self.profile.file["encoding"]}
                ) from exc
        if self._sheet is not None:
            self._sheet.append([safe_cell(v) for v in row])
        if self._readable_sheet is not None:
            self._readable_sheet.append([safe_cell(v) for v in row])

    def finish(self, findings: Findings, keep: bool) -> None:
        if self._text is not None:
            self._text.close()
        targets = list(self.paths)
        if self._book is not None:
            self._book.save(self.paths[targets[0]])
        if self._readable_book is not None:
            _readable_extra(self._readable_book, findings, self.profile)
            self._readable_book.save(self.paths[targets[-1]])
        for target, temp in self.paths.items():
            if keep:
                os.replace(temp, target)
            else:
                temp.unlink(missing_ok=True)

    def abort(self) -> None:
        if self._text is not None:
            self._text.close()
        for temp in self.paths.values():
            temp.unlink(missing_ok=True)


def _readable_extra(book: Workbook, findings: Findings, profile: Profile) -> None:
    problems = book.create_sheet(title=_("Kontroller"))
    problems.append([_("Regel"), _("Allvar"), _("Personnummer"), _("Problem")])
    for p in findings.problems:
        problems.append([safe_cell(v) for v in (p.rule, p.severity, p.personnummer, p.message)])
    codes = book.create_sheet(title=_("Koder"))
    codes.append([_("Kodlista"), _("KAA-kod"), _("SCB-kod"), _("Benämning"), _("Från"), _("Till")])
    for name, entries in profile.codes.items():
        for e in entries:
            codes.append(
                [
                    safe_cell(v)
                    for v in (
                        name,
                        e.internal,
                        e.scb,
                        e.label,
                        str(e.valid_from),
                        str(e.valid_to or ""),
                    )
                ]
            )


def sha256_of(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def run(
    municipality: Municipality,
    period: HalfYear,
    profile: Profile,
    *,
    today: dt.date,
    verified: bool,
    out: Path | None = None,
    readable: Path | None = None,
    allow_blocking: bool = False,
    on_youth: Callable[[int, str], None] | None = None,
) -> Outcome:
    """Check every record and, with `out`, write the file. A file with blocking problems is
    not kept unless `allow_blocking` (a logged override)."""
    checker = Checker(profile, period)
    maker = RowMaker(profile, period, municipality.code, checker)
    sink = _Sink(profile, out, readable, maker.header())
    outcome = Outcome(findings=checker.findings)
    try:
        for item in period_records(municipality, period):
            if isinstance(item, Excluded):
                checker.excluded(item.youth_id, item.name, item.personnummer, item.why)
                continue
            checker.check(item)
            rows = list(maker.rows(item))
            for row in rows:
                sink.write(row)
            outcome.rows += len(rows)
            if on_youth is not None:
                on_youth(item.youth_id, digest(rows))
        findings = checker.finish(
            today=today,
            verified=verified,
            coverage=identification.coverage(municipality=municipality),
        )
        keep = out is not None and (findings.blocking == 0 or allow_blocking)
        sink.finish(findings, keep)
    except BaseException:
        sink.abort()
        raise
    outcome.findings = findings
    outcome.youths = findings.youths
    if keep and out is not None:
        outcome.written = True
        outcome.sha256, outcome.size = sha256_of(out)
    return outcome
