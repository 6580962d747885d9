"""The register import's pages (in the `youth` namespace, see youth/urls.py)."""

from __future__ import annotations

from django.urls import path

from youth.importing import views

urlpatterns = [
    path("import/", views.import_upload_view, name="import_upload"),
    path("import/<id:pk>/", views.import_preview_view, name="import_preview"),
    path("import/kolumnmappning/", views.mapping_create_view, name="mapping_create"),
]
