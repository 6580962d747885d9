"""What model fields of several sub-domains of plans share."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SENSITIVE_HELP = _("Skriv inte om hälsa, diagnoser eller annat känsligt som inte behövs.")
