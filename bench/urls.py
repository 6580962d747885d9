"""The project's URLs plus one view for the benchmark: the stack's floor.

`floor` is what every staff page pays before its own work: the whole middleware (session,
authentication, CSRF, second factor, metrics, security headers), the object-level access
check of one youth, one audit event, and a tiny HTML answer with a CSRF token. A page's time
divided by this view's, served by the same gunicorn, is what the page itself adds."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.utils.html import escape
from django.views.decorators.http import require_http_methods

from kaa.audit import shown, shown_page
from kaa.urls import handler400, handler403, handler404, handler500
from kaa.urls import urlpatterns as kaa_urlpatterns
from youth.register.permissions import youth_get_for_user

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


@login_required
@require_http_methods(["GET", "POST"])
def floor(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """With a youth: access check and a read event of that youth (a coach's or coordinator's
    page); without: one read event of no record (a manager's aggregate page)."""
    if pk is None:
        shown_page(request, object_type="bench", what="floor")
        label = "-"
    else:
        youth = youth_get_for_user(request, pk, write=request.method == "POST")
        shown(request, youth, what="floor")
        label = str(youth.pk)
    return HttpResponse(
        f'<!doctype html><title>floor</title><form method="post">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'
        f"{label}</form>"
    )


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/floor/<int:pk>/", floor, name="bench_floor_youth"),
    *kaa_urlpatterns,
]
