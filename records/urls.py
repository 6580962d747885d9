"""The records app's pages, each under the path it had before the app was made (so links and
bookmarks stay): the log review at the top and under /ungdomar/, gallring and the register
extract under /statistik/."""

from __future__ import annotations

from django.urls import include, path

app_name = "records"

urlpatterns = [
    path("", include("records.log_review.urls")),
    path("statistik/gallring/", include("records.retention.urls")),
    path("statistik/registerutdrag/", include("records.register_extract.urls")),
]
