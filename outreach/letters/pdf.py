"""Letters, postcards and knock cards as one PDF per batch (WeasyPrint).

Youths with protected identity, or with a guardian who has it, are never put in address
output: they are listed apart for manual handling (e.g. Skatteverket's forwarding). Under 18,
a copy goes to the guardian where the routine says so. WeasyPrint may load nothing but our
own stylesheet (no SSRF, no files).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.lib.pdf import pdf_render_parts
from kaa.lib.qr import qr_img
from outreach.eservice.services import access_code_link, access_codes_for
from outreach.letters import merge
from outreach.letters.models import LetterBatch, MessageTemplate
from outreach.queue.models import Task
from youth.models import Guardian, Youth


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
    coach_name: str = ""  # who to call, printed on every letter and card
    coach_phone: str = ""
    coach_email: str = ""

    @property
    def postal_line(self) -> str:
        return postal_line(self.postal_code, self.city)

    @property
    def qr(self) -> str:
        """The QR code of the e-service link; drawn by the process that renders the PDF."""
        return qr_img(self.link, alt=str(_("QR-kod till e-tjänsten"))) if self.link else ""


def postal_line(postal_code: str, city: str) -> str:
    """Postnummer and ort on one line as the Swedish post reads them: "696 30  ASKERSUND"
    (five digits grouped 3+2, two spaces, the town in capitals)."""
    digits = "".join(c for c in postal_code if c.isdigit())
    code = f"{digits[:3]} {digits[3:]}" if len(digits) == 5 else postal_code.strip()
    return "\u00a0\u00a0".join(part for part in (code, city.strip().upper()) if part)


def _coach(youth: Youth) -> dict[str, str]:
    coach = youth.coach
    if coach is None:
        return {}
    return {
        "coach_name": str(coach),
        "coach_phone": coach.phone,
        "coach_email": coach.email,
    }


def _guardian_ok(guardian: Guardian) -> bool:
    return not guardian.protected_identity and bool(guardian.address)


def recipients(tasks: list[Task], template: MessageTemplate) -> list[Recipient]:
    """One recipient per youth, plus the guardians' copies the routine asks for."""
    out = []
    # The batch's youths with their coaches, municipalities, guardians and codes in a few
    # queries, not several per letter.
    prefetch_related_objects([t.youth for t in tasks], "guardians")
    youths = [
        t.youth
        for t in tasks
        if not (t.youth.location_protected or t.youth.restricted_at is not None)
    ]
    prefetch_related_objects(youths, "coach", "municipality")
    codes = access_codes_for(youths)
    for task in tasks:
        youth = task.youth
        # Never, whatever the caller passed: a protected address, a frozen record.
        if youth.location_protected or youth.restricted_at is not None:
            continue
        code = codes[youth.pk]
        body = merge.render(template.body, youth, code=code)
        subject = merge.render(template.subject, youth, code=code)
        link = access_code_link(code) if code else ""
        eservice = ({"code": code.display, "link": link} if code else {}) | _coach(youth)
        out.append(
            Recipient(
                youth,
                youth.full_name,
                youth.address,
                youth.postal_code,
                youth.city,
                False,
                body,
                subject,
                **eservice,
            )
        )
        if task.guardian_copy:
            for guardian in youth.guardians.all():
                if _guardian_ok(guardian):
                    out.append(
                        Recipient(
                            youth,
                            guardian.name,
                            guardian.address,
                            guardian.postal_code,
                            guardian.city,
                            True,
                            body,
                            subject,
                            **eservice,
                        )
                    )
    return out


def batch_pdf_render(batch: LetterBatch, tasks: list[Task]) -> bytes:
    people = recipients(tasks, batch.template)
    return pdf_render_parts(
        "outreach/letters/batch_pdf.html",
        {
            "recipients": people,
            "template": batch.template,
            "postcard": batch.template.kind == MessageTemplate.Kind.POSTCARD,
            "sender": batch.municipality.display_name,
            "today": timezone.localdate(),
            "lang": settings.LANGUAGE_CODE,
        },
        key="recipients",
    )
