"""The register's pages (in the `youth` namespace, see youth/urls.py)."""

from __future__ import annotations

from django.urls import path

from youth.register import views

urlpatterns = [
    path("ny/", views.youth_register_view, name="register"),
    path("export.xlsx", views.youth_export_view, name="export"),
    path("<id:pk>/sysselsattning/", views.occupation_add_view, name="occupation_add"),
    path("<id:pk>/vardnadshavare/", views.guardian_add_view, name="guardian_add"),
    path("<id:pk>/period/avsluta/", views.period_close_view, name="period_close"),
    path("<id:pk>/period/ny/", views.period_open_view, name="period_open"),
    path("<id:pk>/period/<id:period_pk>/ratta/", views.period_edit_view, name="period_edit"),
]
