"""Types shared by every app's views.

`AuthenticatedHttpRequest` is the request of a view behind `login_required`: its user is a
staff account, never the anonymous user, so views annotated with it read `request.user.role`
and the like without checking first. Annotating a view with it is a promise that the login
decorator (or middleware) stands in front of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from kaa.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    # Set by django_htmx's middleware on every request.
    htmx: HtmxDetails
