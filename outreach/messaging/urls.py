"""Writing a message from the youth's page (in the `outreach` namespace, see
outreach/urls.py)."""

from __future__ import annotations

from django.urls import path

from outreach.messaging import views

urlpatterns = [
    path("ungdom/<id:pk>/meddelande/", views.message_compose, name="message_send"),
]
