"""Columns of the register export. Protected identity: the address columns stay empty."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from youth.models import Youth

HEADER = [str(h) for h in (
    _("Personnummer"), _("Förnamn"), _("Efternamn"), _("Född"), _("Status"), _("Coach"),
    _("Team"), _("Telefon"), _("E-post"), _("Adress"), _("Postnummer"), _("Postort"),
    _("Avlämnande skola"), _("Skyddade personuppgifter"),
)]


def row_for(youth: Youth) -> list[Any]:
    hidden = youth.protected_identity
    return [
        youth.personnummer_formatted, youth.first_name, youth.last_name, youth.birth_date,
        str(youth.get_status_display()), youth.coach.get_full_name() if youth.coach else "",
        youth.team.name if youth.team else "", youth.phone, youth.email,
        "" if hidden else youth.address, "" if hidden else youth.postal_code,
        "" if hidden else youth.city, youth.former_school, "ja" if hidden else "",
    ]
