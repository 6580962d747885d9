"""python manage.py ss12000 --municipality 1882 --name NAME [--url URL --token-env VAR]
[--timeout S] [--page-size N] [--disable | --enable] [--pull]

Connects a municipality's SS 12000 school system (or changes or shows the connection). The
bearer token is never given on the command line or stored: --token-env names the environment
variable (KAA_SS12000_...) that holds it, or whose _FILE variant names a secret's file."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaa.models import Municipality
from youth.identification import deliveries
from youth.identification.models import Ss12000Connection
from youth.identification.sources import ss12000


class Command(BaseCommand):
    help = (
        "Create, change or show a municipality's SS 12000 connection (GET /persons), and "
        "with --pull fetch it now into the enrolment source of the same name."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="Kommunkod, e.g. 1882.")
        parser.add_argument(
            "--name", required=True, help="The connection's name; also names its enrolment source."
        )
        parser.add_argument("--url", help="Base URL, e.g. https://skola.example.se/ss12000/v2.0")
        parser.add_argument(
            "--token-env",
            help="Environment variable holding the bearer token; must start with KAA_SS12000_.",
        )
        parser.add_argument("--timeout", type=float, help="Seconds per request (default 30).")
        parser.add_argument("--page-size", type=int, help="Persons per page (default 500).")
        state = parser.add_mutually_exclusive_group()
        state.add_argument("--disable", action="store_true", help="Stop the nightly pull.")
        state.add_argument("--enable", action="store_true", help="Resume the nightly pull.")
        parser.add_argument("--pull", action="store_true", help="Pull now.")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"Unknown municipality code: {options['municipality']}")
        connection = Ss12000Connection.objects.filter(
            municipality=municipality, name=options["name"]
        ).first() or Ss12000Connection(municipality=municipality, name=options["name"])
        changes = {
            "base_url": options["url"],
            "token_env": options["token_env"],
            "timeout_seconds": options["timeout"],
            "page_size": options["page_size"],
        }
        for field, value in changes.items():
            if value is not None:
                setattr(connection, field, value)
        if options["disable"] or options["enable"]:
            connection.enabled = bool(options["enable"])
        try:
            ss12000.check_base_url(connection.base_url or "")
            if not (connection.token_env or "").startswith(ss12000.TOKEN_ENV_PREFIX):
                raise CommandError(f"--token-env must start with {ss12000.TOKEN_ENV_PREFIX}")
            connection.full_clean()
        except ss12000.Ss12000Error as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        connection.save()
        state = "enabled" if connection.enabled else "disabled"
        self.stdout.write(
            f"{connection.name}: {connection.base_url} token from {connection.token_env} {state}"
        )
        if options["pull"]:
            try:
                delivery = deliveries.ss12000_pull(connection=connection)
            except ss12000.Ss12000Error as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"pulled: {delivery.rows_stored} enrolments stored, "
                f"{delivery.error_count} row errors"
            )
