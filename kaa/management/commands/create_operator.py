"""Create an instance-wide operator: an admin of no municipality, who manages staff in every
municipality at /system/. Only here, never through the web. Prints a one-time link where the
operator chooses a password and enrols an authenticator (it is not e-mailed: whoever runs this
command has the server)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaa import accounts
from kaa.access import is_operator
from kaa.models import AccountLink, User


class Command(BaseCommand):
    help = (
        "Create an operator account (an admin of no municipality) and print its one-time "
        "set-up link; --new-link prints a new link for an existing operator (lost phone: "
        "its authenticators are removed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--new-link", action="store_true", help="A new set-up link for an existing operator."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if options["new_link"]:
            user = User.objects.filter(username=username).first()
            if user is None or not is_operator(user):
                raise CommandError(f"No operator account named {username}.")
            token = accounts.account_link_issue(
                user=user, purpose=AccountLink.Purpose.SECOND_FACTOR, actor=None
            )
        else:
            if User.objects.filter(username=username).exists():
                raise CommandError(f"The username {username} is taken.")
            if not options["email"]:
                raise CommandError("Give the operator's e-mail address with --email.")
            try:
                user, token = accounts.operator_create(
                    username=username,
                    email=options["email"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(f"Operator {username} created.")
        self.stdout.write(
            "Open this link (once, within the link's lifetime) to choose a "
            "password and enrol an authenticator:"
        )
        self.stdout.write(accounts.account_link_url(token))
