"""The youth's public e-service, mounted at /e/ (short enough to print and type)."""

from __future__ import annotations

from django.urls import path

from outreach.eservice.public import views

app_name = "eservice"

urlpatterns = [
    path("", views.start, name="start"),
    path("svar/", views.answer, name="answer"),
    path("uppfoljning/", views.recheck, name="recheck"),
    path("tack/", views.thanks, name="thanks"),
    path("<str:code>/", views.start, name="start_code"),
]
