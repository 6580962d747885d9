"""Object access for the register: every view fetches its youth here (kaa.access decides)."""

from __future__ import annotations

from django.http import HttpRequest

from kaa.access import get_for_user
from youth.models import Youth


def youth_get_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Youth:
    """The youth if the request's user may see it (404 and a `denied` audit event if not)."""
    queryset = Youth.objects.select_related("coach", "team", "municipality")
    return get_for_user(request, queryset, write=write, pk=pk)
