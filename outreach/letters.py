"""Letters, postcards and knock cards as one PDF per batch (WeasyPrint).

Youths with protected identity, or with a guardian who has it, are never put in address
output: they are listed apart for manual handling (e.g. Skatteverket's forwarding). Under 18,
a copy goes to the guardian where the routine says so. WeasyPrint may load nothing but our
own stylesheet (no SSRF, no files).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.lib.pdf import pdf_render
from kaa.lib.qr import qr_svg
from kaa.models import User
from outreach import merge
from outreach.eservice.services import access_code_for, access_code_link
from outreach.models import LetterBatch, MessageTemplate, Task
from youth.models import Guardian, Youth

PAPER_CHANNELS = ("postcard", "letter", "knock_card")
TURNING_20 = "turning_20"


@dataclass
class Recipient:
    youth: Youth
    name: str
    address: str
    postal_code: str
    city: str
    is_guardian: bool
    body: str
    subject: str = ""
    code: str = ""  # the youth's e-service code and link, printed with a QR code
    link: str = ""
    qr: str = ""


def batch_candidates(*, user: User, channel: str, until: dt.date) -> tuple[list[Task], list[Task]]:
    """(tasks to print, tasks held back for protected identity)."""
    reserved = [pk for ids in LetterBatch.objects.filter(
        municipality_id=user.municipality_id, confirmed_at__isnull=True)
        .values_list("task_ids", flat=True) for pk in ids]
    open_tasks = (Task.objects.visible_to(user).writable()
                  .filter(status=Task.Status.OPEN, due_date__lte=until)
                  .exclude(pk__in=reserved))  # already in a batch waiting to be posted
    if channel == TURNING_20:
        open_tasks = open_tasks.filter(kind=Task.Kind.TURNING_20)
    else:
        open_tasks = open_tasks.filter(channel=channel).exclude(kind=Task.Kind.TURNING_20)
    tasks = list(open_tasks
                 .select_related("youth", "youth__coach", "youth__municipality")
                 .prefetch_related("youth__guardians")
                 .order_by("youth__last_name", "youth__first_name"))
    held = [t for t in tasks if t.youth.location_protected]
    return [t for t in tasks if not t.youth.location_protected], held


def _guardian_ok(guardian: Guardian) -> bool:
    return not guardian.protected_identity and bool(guardian.address)


def recipients(tasks: list[Task], template: MessageTemplate) -> list[Recipient]:
    """One recipient per youth, plus the guardians' copies the routine asks for."""
    out = []
    for task in tasks:
        youth = task.youth
        # Never, whatever the caller passed: a protected address, a frozen record.
        if youth.location_protected or youth.restricted_at is not None:
            continue
        body = merge.render(template.body, youth)
        subject = merge.render(template.subject, youth)
        code = access_code_for(youth)
        link = access_code_link(code) if code else ""
        eservice = {"code": code.display, "link": link,
                    "qr": qr_svg(link, title=str(_("QR-kod till e-tjänsten")), scale=2)
                    } if code else {}
        out.append(Recipient(youth, youth.full_name, youth.address, youth.postal_code,
                             youth.city, False, body, subject, **eservice))
        if task.guardian_copy:
            for guardian in youth.guardians.all():
                if _guardian_ok(guardian):
                    out.append(Recipient(youth, guardian.name, guardian.address,
                                         guardian.postal_code, guardian.city, True, body,
                                         subject, **eservice))
    return out


def batch_pdf(batch: LetterBatch, tasks: list[Task]) -> bytes:
    people = recipients(tasks, batch.template)
    return pdf_render("pdf/letters.html", {
        "recipients": people, "template": batch.template,
        "postcard": batch.template.kind == MessageTemplate.Kind.POSTCARD,
        "sender": batch.municipality.name, "today": timezone.localdate(),
        "lang": settings.LANGUAGE_CODE})
