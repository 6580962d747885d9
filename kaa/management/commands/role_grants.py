"""Roles waiting for a second person's confirmation: list them, or confirm or reject one from
the command line (for an installation where nobody else can yet, e.g. the first coordinator
of a new municipality). Each decision is audited as made from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaa import accounts
from kaa.models import RoleGrant


class Command(BaseCommand):
    help = "List pending role grants, or --confirm ID / --reject ID one of them."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--confirm", type=int, metavar="ID")
        group.add_argument("--reject", type=int, metavar="ID")

    def handle(self, *args: Any, **options: Any) -> None:
        grant_id = options["confirm"] or options["reject"]
        if grant_id is None:
            pending = (
                RoleGrant.objects.filter(status=RoleGrant.Status.PENDING)
                .select_related("user", "municipality", "requested_by")
                .order_by("requested_at")
            )
            for waiting in pending:
                self.stdout.write(
                    f"{waiting.pk}\t{waiting.requested_at:%Y-%m-%d %H:%M}\t"
                    f"{waiting.user.username}\t{waiting.role}\t{waiting.municipality.code}\t"
                    f"{waiting.requested_by.username if waiting.requested_by else '-'}"
                )
            return
        grant = RoleGrant.objects.filter(pk=grant_id).first()
        if grant is None:
            raise CommandError(f"No role grant {grant_id}.")
        try:
            accounts.role_grant_decide(
                grant=grant, confirm=options["confirm"] is not None, actor=None
            )
        except accounts.GrantAlreadyDecided as exc:
            raise CommandError(f"Role grant {grant_id} is no longer pending.") from exc
        grant.refresh_from_db()
        self.stdout.write(f"Role grant {grant_id}: {grant.status}.")
