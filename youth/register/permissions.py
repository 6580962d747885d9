"""Object access for the register: every view fetches its youth here (kaa.access decides)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaa.access import Perm, ReasonRequired, get_for_user, has_perm
from kaa.audit import shown
from youth.register.models import Youth

SESSION_REASONS = "kaa_protected_reasons"  # {youth pk: until (epoch seconds)}

# Shown wherever data that can locate a protected youth is withheld.
PROTECTED_PLACEHOLDER = _("Skyddade personuppgifter – kontakta ansvarig samordnare")


def reason_granted(request: HttpRequest, pk: int) -> bool:
    until = request.session.get(SESSION_REASONS, {}).get(str(pk), 0)
    return until > time.time()


def reason_grant(request: HttpRequest, pk: int) -> None:
    grants = {k: v for k, v in request.session.get(SESSION_REASONS, {}).items() if v > time.time()}
    grants[str(pk)] = int(time.time()) + settings.KAA_PROTECTED_REASON_HOURS * 3600
    request.session[SESSION_REASONS] = grants


def locating_data_visible(request: HttpRequest | None, youth: Youth) -> bool:
    """The one rule for data that can locate a youth: the address, postal code and town, phone
    numbers, e-mail, current and former school, the guardians' addresses and phones, and the
    fields where a place is written (where the youth studies or works, where a consent was
    signed, where the youth says they moved).

    For a youth with protected identity, or with a guardian who has it, only a coordinator
    who has stated a reason for this youth in this session (the reason step, a flagged audit
    event) sees them; everyone else sees PROTECTED_PLACEHOLDER in their place, on every page,
    form, PDF and message preview. Lists and exports never show them for such a youth, and
    letters are never addressed to them (outreach.letters)."""
    if not youth.location_protected:
        return True
    if request is None:
        return False
    return has_perm(request.user, Perm.VIEW_PROTECTED) and reason_granted(request, youth.pk)


def youth_get_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Youth:
    """The youth if the request's user may see it (404 and a `denied` audit event if not).
    A record whose processing is restricted (GDPR art. 18) is frozen: no write passes."""
    queryset = Youth.objects.select_related("coach", "team", "municipality").with_protection()
    youth = get_for_user(request, queryset, write=write, pk=pk)
    if youth.protected_identity and not reason_granted(request, youth.pk):
        # Opening a youth with protected identity needs a stated reason (flagged in the log).
        raise ReasonRequired(
            reverse("youth:reason", args=[youth.pk])
            + "?"
            + urlencode({"next": request.get_full_path()})
        )
    return youth  # (a restricted record refuses writes in get_for_user)


def youth_for_display(request: HttpRequest, pk: int, *, what: str) -> Youth:
    """The youth, fetched to be shown: as `youth_get_for_user` (404 and a `denied` event for a
    stranger, the reason step for protected identity), and its READ event saying `what` part
    of the record the page shows."""
    youth = youth_get_for_user(request, pk)
    shown(request, youth, what=what)
    return youth
