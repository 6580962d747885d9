"""The register extract's URLs, under the records namespace (records/urls.py)."""

from __future__ import annotations

from django.urls import path

from records.register_extract import views

urlpatterns = [
    path("<id:pk>/", views.register_extract, name="register_extract"),
    path("<id:pk>/lista/", views.extract_list, name="extract_list"),
    path(
        "<id:pk>/<id:extract_pk>/registerutdrag.pdf",
        views.extract_download,
        name="extract_download",
    ),
]
