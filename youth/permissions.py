"""Object access for the register: every view fetches its youth here (kaa.access decides)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from kaa.access import ReasonRequired, get_for_user
from youth.models import Youth

SESSION_REASONS = "kaa_protected_reasons"  # {youth pk: until (epoch seconds)}


def reason_granted(request: HttpRequest, pk: int) -> bool:
    until = request.session.get(SESSION_REASONS, {}).get(str(pk), 0)
    return until > time.time()


def reason_grant(request: HttpRequest, pk: int) -> None:
    grants = {k: v for k, v in request.session.get(SESSION_REASONS, {}).items()
              if v > time.time()}
    grants[str(pk)] = int(time.time()) + settings.KAA_PROTECTED_REASON_HOURS * 3600
    request.session[SESSION_REASONS] = grants


def youth_get_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Youth:
    """The youth if the request's user may see it (404 and a `denied` audit event if not).
    A record whose processing is restricted (GDPR art. 18) is frozen: no write passes."""
    queryset = Youth.objects.select_related("coach", "team", "municipality")
    youth = get_for_user(request, queryset, write=write, pk=pk)
    if youth.protected_identity and not reason_granted(request, youth.pk):
        # Opening a youth with protected identity needs a stated reason (flagged in the log).
        raise ReasonRequired(reverse("youth:reason", args=[youth.pk]) + "?"
                             + urlencode({"next": request.get_full_path()}))
    return youth  # (a restricted record refuses writes in get_for_user)
