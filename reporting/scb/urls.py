"""The SCB report's pages, under the reporting namespace (reporting/urls.py)."""

from __future__ import annotations

from django.urls import path

from reporting.scb import views

urlpatterns = [
    path("", views.scb_list, name="scb_list"),
    path("avisering/", views.scb_banner, name="scb_banner"),
    path("fil/<id:pk>/", views.scb_file, name="scb_file"),
    path(
        "fil/<id:pk>/hamta/",
        views.scb_file_download,
        {"kind": "content"},
        name="scb_file_download",
    ),
    path(
        "fil/<id:pk>/lasbar.xlsx",
        views.scb_file_download,
        {"kind": "xlsx"},
        name="scb_file_readable",
    ),
    path("fil/<id:pk>/inskickad/", views.scb_file_submit, name="scb_file_submit"),
    path("<str:period>/", views.scb_period, name="scb_period"),
    path("<str:period>/profil/", views.scb_profile, name="scb_profile"),
    path("<str:period>/arkiv/", views.scb_archive, name="scb_archive"),
]
