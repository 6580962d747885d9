from __future__ import annotations

from django.urls import include, path

from reporting import views_extract, views_retention

app_name = "reporting"

urlpatterns = [
    path("", include("reporting.stats.urls")),
    path("registerutdrag/<id:pk>/", views_extract.register_extract, name="register_extract"),
    path("registerutdrag/<id:pk>/lista/", views_extract.extract_list, name="extract_list"),
    path("registerutdrag/<id:pk>/<id:extract_pk>/registerutdrag.pdf",
         views_extract.extract_download, name="extract_download"),
    path("rapporter/", include("reporting.board.urls")),
    path("gallring/", views_retention.retention_page, name="retention"),
    path("gallring/forslag/", views_retention.retention_propose, name="retention_propose"),
    path("gallring/<id:pk>/beslut/", views_retention.retention_decide,
         name="retention_decide"),
    path("scb/", include("reporting.scb.urls")),
]
