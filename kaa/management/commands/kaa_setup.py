"""Set up a municipality and its first admin: the first run of an installation, and the same
for each municipality added later. The code and name are checked against SCB's list of
municipality codes (kaa/data/kommuner.csv). Prints a one-time link where the admin chooses a
password and enrols an authenticator (not e-mailed: whoever runs this command has the server).
Running it again with the same arguments changes nothing. Who confirms the admin's role:
kaa.installation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaa import accounts, installation
from kaa.installation import SetupRefused


class Command(BaseCommand):
    help = (
        "Create a municipality (official SCB code and name) and, with --admin, its first "
        "admin account; prints the admin's one-time set-up link. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--municipality",
            required=True,
            metavar="CODE",
            help="SCB's four-digit municipality code, e.g. 1882.",
        )
        parser.add_argument(
            "--name",
            required=True,
            help="The municipality's name as SCB lists it, e.g. Askersund.",
        )
        parser.add_argument(
            "--admin", default="", metavar="EMAIL", help="The first admin's e-mail address."
        )
        parser.add_argument(
            "--username", default="", help="The admin's username (default: the e-mail address)."
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--new-link",
            action="store_true",
            help="Print a new one-time link for the admin set up earlier (an "
            "admin who has chosen a password loses its authenticators).",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = installation.setup_plan(
                code=options["municipality"],
                name=options["name"],
                admin_email=options["admin"],
                username=options["username"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except SetupRefused as exc:
            raise CommandError(str(exc)) from exc
        if options["new_link"] and plan.admin is None:
            raise CommandError("--new-link needs --admin EMAIL of an admin set up earlier.")
        if plan.changes and options["interactive"]:
            answer = input("This will " + "; ".join(plan.changes) + ". Continue? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "j", "ja"):
                raise CommandError("Nothing was changed.")
        try:
            result = installation.setup_apply(plan)
        except SetupRefused as exc:
            raise CommandError(str(exc)) from exc
        self._report(plan, result)
        token = result.token
        if options["new_link"] and result.admin is not None:
            token = installation.new_link(result.admin)
        if token:
            hours = settings.KAA_ACCOUNT_LINK_HOURS
            self.stdout.write(
                f"Open this link (once, within {hours} hours) to choose a "
                "password and enrol an authenticator:"
            )
            self.stdout.write(accounts.account_link_url(token))
        elif not plan.changes:
            self.stdout.write("Nothing changed.")

    def _report(self, plan: installation.SetupPlan, result: installation.SetupResult) -> None:
        municipality = result.municipality
        if result.municipality_created:
            self.stdout.write(f"Municipality {municipality.code} {municipality.name} created.")
        else:
            self.stdout.write(
                f"Municipality {municipality.code} {municipality.name}: already set up."
            )
            if municipality.name != plan.kommun.name:
                self.stdout.write(
                    self.style.WARNING(
                        f"  Its stored name differs from SCB's ({plan.kommun.name}); left as it "
                        "is (change it at /system/)."
                    )
                )
        admin, grant = result.admin, result.grant
        if admin is None:
            return
        if result.admin_created:
            self.stdout.write(f"Admin account {admin.username} ({admin.email}) created.")
        else:
            self.stdout.write(f"Admin account {admin.username} ({admin.email}): already set up.")
        if result.confirmed_by_setup:
            self.stdout.write(
                "Role admin confirmed by this set-up, as nobody else can confirm "
                "it yet (audited as made by kaa_setup)."
            )
        elif grant is not None:
            self.stdout.write(
                f"Role admin waits for confirmation (role grant {grant.pk}): by a coordinator "
                f"or admin of {municipality.name} or an operator at /personal/, or with "
                f"'manage.py role_grants --confirm {grant.pk}'."
            )
