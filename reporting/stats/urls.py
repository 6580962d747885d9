"""The statistics pages, under the reporting namespace (reporting/urls.py)."""

from __future__ import annotations

from django.urls import path

from reporting.stats import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("definitioner/", views.definitions, name="definitions"),
]
