"""The register's pages, mounted at /ungdomar/: one `youth` namespace made of each
sub-package's urlpatterns (identification keeps its own nested namespace)."""

from __future__ import annotations

from django.urls import include, path

from youth.casefile.urls import urlpatterns as casefile_urls
from youth.caseload.urls import urlpatterns as caseload_urls
from youth.data_protection.urls import urlpatterns as data_protection_urls
from youth.importing.urls import urlpatterns as importing_urls
from youth.notes.urls import urlpatterns as notes_urls
from youth.register.urls import urlpatterns as register_urls

app_name = "youth"

urlpatterns = [
    *caseload_urls,
    *register_urls,
    *importing_urls,
    path("identifiering/", include("youth.identification.urls")),
    *casefile_urls,
    *data_protection_urls,
    *notes_urls,
]
