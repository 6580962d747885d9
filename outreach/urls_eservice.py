"""The youth's public e-service, mounted at /e/ (short enough to print and type)."""

from __future__ import annotations

from django.urls import path

from outreach import views_eservice

app_name = "eservice"

urlpatterns = [
    path("", views_eservice.start, name="start"),
    path("svar/", views_eservice.answer, name="answer"),
    path("tack/", views_eservice.thanks, name="thanks"),
    path("<str:code>/", views_eservice.start, name="start_code"),
]
