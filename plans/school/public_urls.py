"""The public school notification form, mounted at /skola/."""

from __future__ import annotations

from django.urls import path

from plans.school import views

app_name = "school"

urlpatterns = [
    path("anmalan/", views.notify, name="notify"),
    path("anmalan/skickad/", views.received, name="received"),
]
