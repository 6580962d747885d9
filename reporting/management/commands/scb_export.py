"""python manage.py scb_export --period 2026H2 [--municipality 0484] --output FILE [--check]

Exit codes: 0 the file is written (or, with --check, no blocking problem); 1 blocking problems
(nothing written); 2 bad arguments, an unknown municipality or an unusable profile.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kaa.lib.storage import copy_to
from kaa.models import Municipality
from reporting.scb.checks import BLOCK, Findings
from reporting.scb.periods import HalfYear
from reporting.scb.profile import ProfileError
from reporting.scb.services import file_build, report_check


class Command(BaseCommand):
    help = (
        "Check and write the half-yearly SCB file for KAA. With --check: validate only, "
        "print the problems, exit 1 if any blocks. The written file is also archived."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="Half-year, e.g. 2026H2.")
        parser.add_argument("--municipality", help="Kommunkod (needed if there are several).")
        parser.add_argument("--output", help="Where to write the file.")
        parser.add_argument("--check", action="store_true", help="Validate only.")
        parser.add_argument(
            "--override-reason",
            default="",
            help="Write the file despite blocking problems (logged).",
        )

    def _municipality(self, code: str | None) -> Municipality:
        if code:
            found = Municipality.objects.filter(code=code).first()
            if found is None:
                raise CommandError(f"Okänd kommunkod: {code}", returncode=2)
            return found
        all_ = list(Municipality.objects.all()[:2])
        if len(all_) != 1:
            raise CommandError(
                "Ange --municipality (kommunkod): installationen har "
                f"{'flera' if all_ else 'inga'} kommuner.",
                returncode=2,
            )
        return all_[0]

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = HalfYear.parse(options["period"])
        except ValidationError as exc:
            raise CommandError(exc.messages[0], returncode=2) from exc
        municipality = self._municipality(options["municipality"])
        output = options["output"]
        if not options["check"] and not output:
            raise CommandError("Ange --output FILE (eller --check).", returncode=2)
        if output and not Path(output).parent.is_dir():
            raise CommandError(f"Katalogen finns inte: {Path(output).parent}", returncode=2)
        today = timezone.localdate()
        try:
            if options["check"]:
                _report, findings, _profile = report_check(
                    municipality=municipality, period=period, today=today
                )
                file = None
            else:
                file, findings = file_build(
                    municipality=municipality,
                    period=period,
                    actor=None,
                    today=today,
                    override_reason=options["override_reason"],
                )
        except ValidationError as exc:
            raise CommandError(exc.messages[0], returncode=2) from exc
        except ProfileError as exc:
            raise CommandError(f"Exportprofilen kan inte användas: {exc}", returncode=2) from exc
        self._print(findings)
        if file is not None:
            _copy(file.content.name, Path(output))
            self.stdout.write(
                f"Skrev {output}: {file.row_count} rader, {file.youth_count} "
                f"ungdomar, sha256 {file.sha256}"
            )
        if findings.blocking and (options["check"] or file is None):
            if not options["check"]:
                self.stderr.write("Ingen fil skriven: rätta de blockerande felen först.")
            sys.exit(1)

    def _print(self, findings: Findings) -> None:
        for p in sorted(findings.problems, key=lambda p: (p.severity != BLOCK, p.rule)):
            level = "FEL" if p.severity == BLOCK else "VARNING"
            who = f" {p.personnummer}" if p.personnummer else ""
            self.stdout.write(f"{level} {p.rule}{who}: {p.message}")
        q = findings.quality
        self.stdout.write(
            f"Ungdomar {findings.youths}, blockerande fel {findings.blocking}, "
            f"varningar {findings.warnings}, datakvalitet {q.score}/100, "
            f"ej rapporterade {len(findings.excluded)}"
        )


def _copy(name: str, target: Path) -> None:
    """The archived file (from the storage, wherever it is) to `target`, whole or not at all."""
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".scb-")
    try:
        with os.fdopen(fd, "wb") as out:
            copy_to(name, out)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
