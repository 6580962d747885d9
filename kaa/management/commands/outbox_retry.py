"""Put background work that was set aside as unsendable back in line, once its cause (say, a
task renamed by an upgrade and since restored) is fixed. Lists what waits with --list."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kaa import outbox
from kaa.models import OutboxItem


class Command(BaseCommand):
    help = "Retry background tasks set aside by the outbox (see /healthz outbox_failed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="Only list them.")

    def handle(self, *args: Any, **options: Any) -> None:
        items = OutboxItem.objects.filter(failed_at__isnull=False, published_at__isnull=True)
        for item in items.order_by("created_at"):
            self.stdout.write(
                f"{item.pk}\t{item.created_at:%Y-%m-%d %H:%M}\t{item.task}\t{item.last_error}"
            )
        if not options["list"]:
            self.stdout.write(f"{outbox.retry_failed()} tasks back in line for the sweeper.")
