"""The youth's rights under the GDPR: restriction of processing (set, lift), the answer
to a request for erasure, and the extract recorded as answered. Each is kept as a
DataRequest and on the youth's timeline."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaa.models import AuditEvent, User
from youth.data_protection.models import DataRequest
from youth.register.models import Youth
from youth.register.services import _audit, _today, timeline_add

Action = AuditEvent.Action


ERASURE_ANSWER = gettext_lazy(
    "Uppgifterna behövs för kommunens skyldighet enligt skollagen 29 kap. 9 § och är allmänna "
    "handlingar som ska bevaras eller gallras enligt arkivlagen och kommunens "
    "informationshanteringsplan (GDPR art. 17.3 b). De raderas därför inte nu, utan gallras "
    "när gallringsfristen har gått ut. Uppgifter som är felaktiga rättas."
)


def _data_request(
    youth: Youth, actor: User, kind: str, received_on: dt.date, decision: str
) -> DataRequest:
    request = DataRequest.objects.create(
        youth=youth,
        kind=kind,
        received_on=received_on,
        decided_on=_today(),
        decision=decision[:3000],
        handled_by=actor,
    )
    _audit(actor, Action.CREATE, request)
    timeline_add(
        youth=youth,
        kind="gdpr",
        actor=actor,
        summary=_("Dataskydd: %(kind)s") % {"kind": request.get_kind_display()},
    )
    return request


@transaction.atomic
def restriction_set(
    *, youth: Youth, actor: User, reason: str, received_on: dt.date
) -> DataRequest:
    """Restrict processing: the record is frozen and hidden from everyone but coordinators."""
    youth = Youth.objects.select_for_update().get(pk=youth.pk)
    if youth.restricted_at is not None:
        raise ValidationError(_("Behandlingen är redan begränsad."))
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv skälet till begränsningen.")})
    youth.restricted_at, youth.restriction_reason = timezone.now(), reason.strip()[:300]
    youth.save(update_fields=["restricted_at", "restriction_reason", "updated_at"])
    return _data_request(youth, actor, DataRequest.Kind.RESTRICTION, received_on, reason)


@transaction.atomic
def restriction_lift(*, youth: Youth, actor: User, reason: str) -> DataRequest:
    youth = Youth.objects.select_for_update().get(pk=youth.pk)
    if youth.restricted_at is None:
        raise ValidationError(_("Behandlingen är inte begränsad."))
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv varför begränsningen hävs.")})
    youth.restricted_at, youth.restriction_reason = None, ""
    youth.save(update_fields=["restricted_at", "restriction_reason", "updated_at"])
    return _data_request(youth, actor, DataRequest.Kind.RESTRICTION_LIFTED, _today(), reason)


def erasure_answer(
    *, youth: Youth, actor: User, received_on: dt.date, decision: str
) -> DataRequest:
    """Record a request for erasure and the answer (erasure is limited by the archive law)."""
    if not decision.strip():
        raise ValidationError({"decision": _("Skriv svaret till den som begärde radering.")})
    return _data_request(youth, actor, DataRequest.Kind.ERASURE, received_on, decision)


@transaction.atomic
def extract_recorded(*, youth: Youth, actor: User, received_on: dt.date) -> DataRequest:
    """The request answered with an extract; taking the extract again for the same request
    (the same day received) is the same answer, not a new request. Each copy is still an
    export in the audit log (the caller's)."""
    Youth.objects.select_for_update().filter(pk=youth.pk).first()  # one row, even if twice
    earlier = DataRequest.objects.filter(
        youth=youth, kind=DataRequest.Kind.EXTRACT, received_on=received_on
    ).first()
    if earlier is not None:
        return earlier
    return _data_request(
        youth, actor, DataRequest.Kind.EXTRACT, received_on, _("Registerutdrag framställt")
    )
