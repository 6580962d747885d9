"""python manage.py identify --municipality 1882 --on 2026-12-01 --population FILE
[--population FILE ...] [--enrolments FILE ...] [--completions FILE ...] [--mapping NAME ...]
[--dry-run] [--approve] [--report FILE.csv]"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kaa.models import Municipality
from youth.identification import deliveries, services
from youth.identification.models import Proposal, Run, SourceDelivery
from youth.identification.sources import SourceFileError
from youth.importing.column_mappings import Kind, mapping_problems, saved_mapping

FILE_MAPPINGS = (Kind.ENROLMENTS, Kind.COMPLETIONS)
REPORT_KIND: dict[str, str] = {
    Proposal.Kind.NEW: "ny",
    Proposal.Kind.LEAVING: "lamnar",
    Proposal.Kind.CHANGED: "andrad",
}


class Command(BaseCommand):
    help = (
        "Load population (Navet XML or CSV), enrolment and completion files, run the "
        "identification rule on a date and compare with the register. Prints row errors "
        "and ends with one line 'in_group=N new=N leaving=N changed=N unchanged=N "
        "errors=N'. Row errors do not stop the valid rows (exit 0); an unreadable file "
        "exits 1 and nothing is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="Kommunkod, e.g. 1882.")
        parser.add_argument(
            "--on",
            required=True,
            type=dt.date.fromisoformat,
            help="The date the rule is evaluated on (YYYY-MM-DD).",
        )
        parser.add_argument(
            "--population",
            action="append",
            required=True,
            default=[],
            help="Navet XML (full extract or change notices) or CSV; in order.",
        )
        parser.add_argument(
            "--enrolments",
            action="append",
            default=[],
            help="Enrolment list (CSV/xlsx) or saved SS 12000 JSON; the file "
            "name (without extension) names the source.",
        )
        parser.add_argument(
            "--completions",
            action="append",
            default=[],
            help="Completions CSV; the file name names the source.",
        )
        parser.add_argument(
            "--mapping",
            action="append",
            default=[],
            help="Name of a saved column mapping for enrolment lists or for "
            "completion lists; it applies to every CSV/xlsx file of its "
            "kind (at most one per kind; SS 12000 JSON takes none).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report only, store nothing.")
        parser.add_argument(
            "--approve",
            action="store_true",
            help="Apply every proposal as a coordinator would (system action).",
        )
        parser.add_argument("--report", help="Write 'personnummer;forslag;orsak' rows here.")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"Unknown municipality code: {options['municipality']}")
        paths = [
            Path(p) for key in ("population", "enrolments", "completions") for p in options[key]
        ]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        self.mappings = self._mappings(municipality, options["mapping"])
        with transaction.atomic():
            run = self._load_and_run(municipality, options)
            if options["report"]:
                self._report(run, Path(options["report"]))
            if options["approve"] and not options["dry_run"]:
                self._approve(run)
            if options["dry_run"]:
                transaction.set_rollback(True)
        self.stdout.write(run.summary)

    def _load_and_run(self, municipality: Municipality, options: dict[str, Any]) -> Run:
        loaders = (
            [(p, self._population) for p in options["population"]]
            + [(p, self._enrolments) for p in options["enrolments"]]
            + [(p, self._completions) for p in options["completions"]]
        )
        for name, load in loaders:
            path = Path(name)
            try:
                with path.open("rb") as stream:
                    delivery = load(municipality, stream, path)
            except SourceFileError as exc:
                raise CommandError(f"{path}: the file cannot be read: {exc}") from exc
            for error in delivery.errors:
                self.stdout.write(f"{path.name} row {error['row']}: {error['message']}")
        try:
            return services.run_identification(
                municipality=municipality, on=options["on"], actor=None
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    @staticmethod
    def _mappings(municipality: Municipality, names: list[str]) -> dict[str, dict[str, str]]:
        """{kind: columns} of the named saved mappings: enrolment or completion lists only,
        one per kind, and usable for their kind."""
        chosen: dict[str, dict[str, str]] = {}
        for name in names:
            saved = saved_mapping(municipality=municipality, name=name)
            if saved is None:
                raise CommandError(f"Unknown column mapping: {name}")
            if saved.kind not in FILE_MAPPINGS:
                raise CommandError(
                    f"Column mapping {name} is for {saved.kind} lists; identify "
                    "takes mappings for enrolment or completion lists."
                )
            if saved.kind in chosen:
                raise CommandError(f"More than one column mapping for {saved.kind} lists.")
            problems = mapping_problems(saved.kind, saved.mapping)
            if problems:
                raise CommandError(
                    f"Column mapping {name} cannot be used: " + " ".join(problems.values())
                )
            chosen[saved.kind] = dict(saved.mapping)
        return chosen

    @staticmethod
    def _population(municipality: Municipality, stream: Any, path: Path) -> SourceDelivery:
        return deliveries.population_store(
            municipality=municipality, stream=stream, filename=path.name, actor=None
        )

    def _enrolments(self, municipality: Municipality, stream: Any, path: Path) -> SourceDelivery:
        return deliveries.enrolments_store(
            municipality=municipality,
            stream=stream,
            source_name=deliveries.source_name_of(path.name),
            filename=path.name,
            actor=None,
            mapping=self.mappings.get(Kind.ENROLMENTS),
        )

    def _completions(self, municipality: Municipality, stream: Any, path: Path) -> SourceDelivery:
        return deliveries.completions_store(
            municipality=municipality,
            stream=stream,
            source_name=deliveries.source_name_of(path.name),
            filename=path.name,
            actor=None,
            mapping=self.mappings.get(Kind.COMPLETIONS),
        )

    def _report(self, run: Run, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, delimiter=";")
            writer.writerow(["personnummer", "forslag", "orsak"])
            for proposal in run.proposals.order_by("kind", "personnummer"):
                writer.writerow(
                    [proposal.personnummer, REPORT_KIND[proposal.kind], proposal.reason]
                )

    def _approve(self, run: Run) -> None:
        ids = list(run.proposals.values_list("pk", flat=True))
        _approved, refused = services.proposals_approve(
            municipality=run.municipality, ids=ids, actor=None
        )
        for proposal, message in refused:
            self.stdout.write(f"not applied {proposal.personnummer}: {message}")
