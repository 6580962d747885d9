"""Columns of the register export. A youth with protected identity, or with a guardian who
has it: every column that can locate the youth stays empty (a spreadsheet leaves KAA, so not
even a coordinator's stated reason fills them in)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from youth.register.models import Youth

HEADER = [
    str(h)
    for h in (
        _("Personnummer"),
        _("Förnamn"),
        _("Efternamn"),
        _("Född"),
        _("Status"),
        _("Coach"),
        _("Team"),
        _("Telefon"),
        _("E-post"),
        _("Adress"),
        _("Postnummer"),
        _("Postort"),
        _("Avlämnande skola"),
        _("Skyddade personuppgifter"),
    )
]


def row_for(youth: Youth) -> list[Any]:
    hidden = youth.location_protected
    if youth.protected_identity:
        protected = "ja"
    else:
        protected = str(_("vårdnadshavare")) if hidden else ""

    def locating(value: str) -> str:
        return "" if hidden else value

    return [
        youth.personnummer_formatted,
        youth.first_name,
        youth.last_name,
        youth.birth_date,
        str(youth.get_status_display()),
        youth.coach.get_full_name() if youth.coach else "",
        youth.team.name if youth.team else "",
        locating(youth.phone),
        locating(youth.email),
        locating(youth.address),
        locating(youth.postal_code),
        locating(youth.city),
        locating(youth.former_school),
        protected,
    ]
