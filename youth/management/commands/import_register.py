"""python manage.py import_register FILE --municipality 1882 [--dry-run] [--reason CODE]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaa.models import Municipality
from youth.importing.services import ImportFileError, import_apply, import_plan
from youth.models import ColumnMapping, Reason


class Command(BaseCommand):
    help = (
        "Import a register list (CSV or xlsx). Prints row errors and ends with one line "
        "'new=N updated=N unchanged=N missing=N errors=N'. Row errors do not stop the "
        "valid rows; an unreadable file exits 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--municipality", required=True, help="Kommunkod, e.g. 1882.")
        parser.add_argument(
            "--reason",
            default="OVRIGT",
            help="Registration reason code for new youths (default OVRIGT).",
        )
        parser.add_argument("--mapping", help="Name of a saved column mapping.")
        parser.add_argument("--dry-run", action="store_true", help="Report only, write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"Unknown municipality code: {options['municipality']}")
        reason = Reason.objects.filter(kind="registration", code=options["reason"]).first()
        if reason is None:
            raise CommandError(f"Unknown registration reason code: {options['reason']}")
        mapping = self._mapping(municipality, options["mapping"]) if options["mapping"] else None
        try:
            plan = import_plan(
                raw=path.read_bytes(),
                filename=path.name,
                municipality=municipality,
                mapping=mapping,
            )
        except ImportFileError as exc:
            raise CommandError(f"The file cannot be read: {exc}") from exc
        for error in plan.errors:
            self.stdout.write(f"row {error.row}: {error.message}")
        for youth in plan.missing:
            self.stdout.write(
                f"missing: youth id {youth.pk} is no longer on the list "
                "(deregister in the app with the right reason)"
            )
        if not options["dry_run"]:
            import_apply(plan=plan, municipality=municipality, reason=reason, actor=None)
        self.stdout.write(plan.summary())

    @staticmethod
    def _mapping(municipality: Municipality, name: str) -> dict[str, str]:
        """The columns of the saved register-list mapping NAME."""
        saved = ColumnMapping.objects.filter(municipality=municipality, name=name).first()
        if saved is None:
            raise CommandError(f"Unknown column mapping: {name}")
        if saved.kind != ColumnMapping.Kind.REGISTER:
            raise CommandError(
                f"Column mapping {name} is for {saved.kind} lists, not for the register list."
            )
        return saved.mapping
