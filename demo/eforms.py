"""Demo data for the public e-forms: a few school notifications in the coordinators' inbox,
one answer through the youth e-service, and a youth whose code can be tried in the browser."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from demo.factories.plans import SchoolNotificationFactory
from demo.factories.youth import personnummer_for
from kaa.models import Municipality
from outreach.eservice.services import access_code_for, submission_save
from outreach.models import EserviceSubmission
from plans.models import SchoolNotification
from youth.models import Youth

SCHOOL_NOTICES = [
    (
        "stopped",
        "Alléskolan",
        "Ekonomiprogrammet",
        "Har inte varit i skolan sedan höstlovet.",
        "Noor",
        "Rahimi",
        3101,
    ),
    (
        "at_risk",
        "Tullängsgymnasiet",
        "El- och energiprogrammet",
        "Hög frånvaro och underkänd i flera kurser; eleven vill byta program.",
        "Elias",
        "Lindqvist",
        3102,
    ),
    ("absence", "Alléskolan", "Introduktionsprogram", "", "Sara", "Öberg", 3103),
]


def demo_youth_for_eservice(municipality: Municipality) -> Youth | None:
    """The demo youth whose code the demo prints (in KAA, not reached, lowest id)."""
    return (
        Youth.objects.filter(
            municipality=municipality, periods__end_date__isnull=True, last_reached_on__isnull=True
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def demo_eforms_ensure(*, municipality: Municipality) -> int:
    """Idempotent: creates the notices and the answer only once."""
    made = 0
    if not SchoolNotification.objects.filter(municipality=municipality).exists():
        today = timezone.localdate()
        for days, (kind, school, programme, message, first, last, serial) in enumerate(
            SCHOOL_NOTICES, start=2
        ):
            SchoolNotificationFactory.create(
                municipality=municipality,
                kind=kind,
                school=school,
                programme=programme,
                personnummer=personnummer_for(today.replace(year=today.year - 17), serial),
                first_name=first,
                last_name=last,
                message=message,
                event_date=today - dt.timedelta(days=days),
                contact_name="Eva Mentor",
                contact_email="mentor@skola.example",
            )
            made += 1
    if not EserviceSubmission.objects.filter(youth__municipality=municipality).exists():
        youths = Youth.objects.filter(
            municipality=municipality, periods__end_date__isnull=True, last_reached_on__isnull=True
        ).order_by("-pk")
        youth = youths.first()
        # The youth has an open period, so a code (None only outside KAA).
        code = access_code_for(youth) if youth is not None else None
        if code is not None:
            submission_save(
                code=code,
                data={
                    "activity": "working",
                    "employer": "Ica Kvantum",
                    "wants_contact": True,
                    "contact_way": "sms",
                    "contact_when": "Efter klockan 16",
                    "message": "Jag jobbar i butik men vill gärna plugga klart.",
                },
            )
            made += 1
    return made
