"""Loads the demo data (idempotent). Refuses to run outside the demo: no default accounts in
production (ASVS 6.3.2). The generators are imported only past that refusal: they use
factory_boy, which the production image does not install (the `demo` extra)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaa.models import Municipality
from outreach.eservice.services import access_code_for, access_code_link
from outreach.letters.services import templates_ensure_defaults
from outreach.models import Routine
from outreach.queue.reach_facts import reached_facts_rebuild
from outreach.routine.engine import deadlines_refresh
from outreach.routine.services import routine_from_template


class Command(BaseCommand):
    help = "Create demo municipalities, teams, staff and youths (only with KAA_DEMO=true)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--print-logins", action="store_true", help="Only print the demo logins."
        )
        parser.add_argument(
            "--youths",
            type=int,
            default=80,
            help="Demo youths in the first municipality (default 80; the second gets a quarter).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.KAA_DEMO:
            raise CommandError(
                "Demo data is only loaded with KAA_DEMO=true (never in production)."
            )
        if options["print_logins"]:
            self._print_logins()
            return
        from demo.eforms import demo_eforms_ensure
        from demo.homevisits import demo_home_visits_ensure
        from demo.outreach import demo_history_ensure
        from demo.plans import demo_plans_ensure
        from demo.staff import demo_role_grant_ensure, demo_staff_ensure
        from demo.youths import demo_youths_ensure

        demo_staff_ensure()
        demo_role_grant_ensure()
        created = 0
        for code, share in (("1882", 1.0), ("1494", 0.25)):
            municipality = Municipality.objects.get(code=code)
            created += demo_youths_ensure(
                municipality=municipality, count=int(options["youths"] * share)
            )
        for code, template in (("1882", "askersund"), ("1494", "lidkoping")):
            municipality = Municipality.objects.get(code=code)
            if not Routine.objects.filter(municipality=municipality, is_current=True).exists():
                routine_from_template(municipality=municipality, key=template, actor=None)
            templates_ensure_defaults(municipality=municipality, actor=None)
        deadlines_refresh()
        demo_history_ensure()
        reached_facts_rebuild()  # contacts were bulk-created: ContactAttempt.save never ran
        for code in ("1882", "1494"):
            demo_plans_ensure(municipality=Municipality.objects.get(code=code))
        demo_eforms_ensure(municipality=Municipality.objects.get(code="1882"))
        demo_home_visits_ensure(municipality=Municipality.objects.get(code="1882"))
        # Gallring rules and a first proposal (records.retention).
        call_command("demo_retention", municipality="1882", stdout=self.stdout)
        stats = deadlines_refresh()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data is in place ({created} new youths; deadlines: {stats})."
            )
        )

    def _print_logins(self) -> None:
        from demo.eforms import demo_youth_for_eservice
        from demo.staff import DEMO_PASSWORD, STAFF

        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for spec in STAFF:
            where = spec.team or spec.municipality_code or ""
            self.stdout.write(f"  {spec.username:<22} {spec.role:<12} {where}")
        youth = demo_youth_for_eservice(Municipality.objects.get(code="1882"))
        code = access_code_for(youth) if youth else None
        if youth is not None and code is not None:
            self.stdout.write("Public pages (no login):")
            self.stdout.write(
                f"  youth e-service  {access_code_link(code)}  birth date "
                f"{youth.birth_date:%Y%m%d}"
            )
            self.stdout.write(
                f"  school notice    {settings.KAA_BASE_URL.rstrip('/')}/skola/anmalan/"
            )
