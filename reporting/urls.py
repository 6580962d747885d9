"""The reporting app's pages, one include per sub-domain, all under the reporting namespace."""

from __future__ import annotations

from django.urls import include, path

app_name = "reporting"

urlpatterns = [
    path("", include("reporting.stats.urls")),
    path("rapporter/", include("reporting.board.urls")),
    path("scb/", include("reporting.scb.urls")),
]
