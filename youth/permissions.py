"""Object access for the register: every view fetches its youth here (kaa.access decides)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kaa.access import _log_denied, get_for_user
from youth.models import Youth


def youth_get_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Youth:
    """The youth if the request's user may see it (404 and a `denied` audit event if not).
    A record whose processing is restricted (GDPR art. 18) is frozen: no write passes."""
    queryset = Youth.objects.select_related("coach", "team", "municipality")
    youth = get_for_user(request, queryset, write=write, pk=pk)
    if write and youth.restricted_at is not None:
        _log_denied(request, detail="restricted", object_type="youth.youth")
        raise PermissionDenied(_("Behandlingen av uppgifterna är begränsad: inget kan ändras "
                                 "förrän en samordnare har hävt begränsningen."))
    return youth
