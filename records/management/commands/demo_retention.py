"""Demo retention (gallring) rules, as a municipality's dokumenthanteringsplan might set them
(by a second coordinator), and a first proposal for the demo coordinator to review. Run by
`demo_data` (by command name). Idempotent: rules are set only where a municipality has none."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kaa.models import Municipality, Role, User
from records.retention.models import RecordType, RetentionPolicy
from records.retention.services import policy_save, propose

DECISION = "Dokumenthanteringsplan för utbildningsnämnden, dnr UN 2025/118 (demo)"
# Months per kind of record; None = kept (bevaras). Contacts, notes and consents at KAA's own
# minimum, so that the demo history (under two years) has something due.
DEMO_POLICIES: dict[str, int | None] = {
    RecordType.YOUTH: None,
    RecordType.CONTACTS: 12,
    RecordType.NOTES: 12,
    RecordType.PLANS: None,
    RecordType.CONSENTS: 12,
    RecordType.EXPORTS: 24,
    RecordType.AUDIT: 36,
}


class Command(BaseCommand):
    help = "Set demo retention rules and make a first proposal (only with KAA_DEMO=true)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--municipality",
            default="1882",
            help="Municipality code (default 1882, the first demo one).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.KAA_DEMO:
            raise CommandError("Demo rules are only set with KAA_DEMO=true (never in production).")
        municipality = Municipality.objects.get(code=options["municipality"])
        if RetentionPolicy.objects.filter(municipality=municipality).exists():
            return
        # The rules are set by a coordinator other than the one who logs in to the demo: a
        # gallring is approved by someone other than whoever set its rules.
        coordinators = User.objects.filter(municipality=municipality, role=Role.COORDINATOR)
        actor = (
            coordinators.exclude(username="samordnare").order_by("username").first()
            or coordinators.first()
        )
        if actor is None:
            raise CommandError(f"{municipality} has no coordinator to set the rules.")
        for record_type, months in DEMO_POLICIES.items():
            policy_save(
                municipality=municipality,
                record_type=record_type,
                months=months,
                decision=DECISION if months else "",
                actor=actor,
            )
        run = propose(municipality=municipality, today=timezone.localdate())
        self.stdout.write(
            f"Gallring: demo rules set for {municipality}; proposal: "
            f"{run.counts if run else 'nothing due'}."
        )
