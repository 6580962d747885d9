"""The public school notification form, mounted at /skola/."""

from __future__ import annotations

from django.urls import path

from plans import views_school

app_name = "school"

urlpatterns = [
    path("anmalan/", views_school.notify, name="notify"),
    path("anmalan/skickad/", views_school.received, name="received"),
]
