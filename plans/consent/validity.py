"""When a consent is valid, and the one question the rest of the app asks: "may we share
information about this youth with party X now?" (`share_allowed`).

A consent is valid from the day it was given while it is neither revoked nor replaced, and
only during the KAA period it was given in: when that period ends, so does the consent,
without anyone having to remember it. A consent without a period belongs to a preventive
case and is valid only while the youth is not in KAA.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import cast

from django.db.models import Q
from django.utils import timezone

from plans.consent.models import Consent
from plans.partners.models import Partner, PartyKind
from youth.models import KaaPeriod, Youth


def consent_is_valid(
    consent: Consent,
    on: dt.date,
    *,
    period: KaaPeriod | None = None,
    has_open_period: bool | None = None,
) -> bool:
    """Valid on `on`? `period` (the consent's, if already loaded) and `has_open_period` (for
    period-less consents) spare queries when many consents are checked at once."""
    if consent.given_on > on or (consent.ended_on is not None and consent.ended_on <= on):
        return False
    if consent.period_id is None:
        if has_open_period is None:
            has_open_period = KaaPeriod.objects.filter(
                youth_id=consent.youth_id, end_date__isnull=True
            ).exists()
        return not has_open_period
    period = period or cast(KaaPeriod, consent.period)  # the consent has a period
    return period.start_date <= on and (period.end_date is None or on <= period.end_date)


def valid_consents_q(on: dt.date, prefix: str = "") -> Q:
    """Database filter for consents valid on `on` (the same rule as `consent_is_valid`)."""
    p = prefix
    not_ended = Q(**{f"{p}ended_on__isnull": True}) | Q(**{f"{p}ended_on__gt": on})
    in_period = Q(**{f"{p}period__start_date__lte": on}) & (
        Q(**{f"{p}period__end_date__isnull": True}) | Q(**{f"{p}period__end_date__gte": on})
    )
    open_period = KaaPeriod.objects.filter(end_date__isnull=True)
    outside_kaa = Q(**{f"{p}period__isnull": True}) & ~Q(
        **{f"{p}youth__in": open_period.values("youth_id")}
    )
    return Q(**{f"{p}given_on__lte": on}) & not_ended & (in_period | outside_kaa)


def consent_current(youth: Youth, on: dt.date | None = None) -> Consent | None:
    """The youth's consent valid on `on` (today by default), if any."""
    on = on or timezone.localdate()
    return (
        Consent.objects.filter(valid_consents_q(on), youth=youth)
        .select_related("period", "other_partner", "guardian")
        .order_by("-given_on", "-id")
        .first()
    )


def consent_covers(
    consent: Consent, *, kind: str, partner: Partner | None = None, name: str = ""
) -> bool:
    """Does the consent tick this party? A named party (relative, other) must match by name,
    or for 'other' be the very partner organisation that was ticked."""
    if not consent.party_flags().get(kind, False):
        return False
    if kind == PartyKind.OTHER:
        if partner is not None and consent.other_partner_id == partner.pk:
            return True
        wanted = (partner.name if partner is not None else name).strip().casefold()
        return bool(wanted) and wanted == consent.other_name.strip().casefold()
    if kind == PartyKind.RELATIVE and name:
        return name.strip().casefold() == consent.relative_name.strip().casefold()
    return True


def share_allowed(
    youth: Youth,
    *,
    kind: str | None = None,
    partner: Partner | None = None,
    name: str = "",
    on: dt.date | None = None,
    consent: Consent | None = None,
) -> bool:
    """May KAA staff share information about `youth` with this party on `on` (today)?

    Give a partner organisation (its kind is used) or a party kind, with a name for a
    relative or another named party. Pass `consent` when the current consent is already
    known (meetings check many youths against many partners)."""
    on = on or timezone.localdate()
    consent = consent if consent is not None else consent_current(youth, on)
    if consent is None:
        return False
    if partner is not None:
        kind = partner.kind
    if kind is None:
        raise ValueError("share_allowed needs a partner or a party kind")
    return consent_covers(consent, kind=kind, partner=partner, name=name)


def covers_all(consent: Consent | None, partners: Iterable[Partner]) -> bool:
    return consent is not None and all(
        consent_covers(consent, kind=p.kind, partner=p) for p in partners
    )
