from __future__ import annotations

from django.urls import path

from reporting import views_extract, views_retention, views_scb, views_stats

app_name = "reporting"

urlpatterns = [
    path("", views_stats.dashboard, name="dashboard"),
    path("registerutdrag/<id:pk>/", views_extract.register_extract, name="register_extract"),
    path("registerutdrag/<id:pk>/lista/", views_extract.extract_list, name="extract_list"),
    path("registerutdrag/<id:pk>/<id:extract_pk>/registerutdrag.pdf",
         views_extract.extract_download, name="extract_download"),
    path("definitioner/", views_stats.definitions, name="definitions"),
    path("rapporter/", views_stats.reports, name="reports"),
    path("rapporter/<id:pk>/rapport.pdf", views_stats.report_download, {"fmt": "pdf"},
         name="report_pdf"),
    path("rapporter/<id:pk>/rapport.xlsx", views_stats.report_download, {"fmt": "xlsx"},
         name="report_xlsx"),
    path("gallring/", views_retention.retention_page, name="retention"),
    path("gallring/forslag/", views_retention.retention_propose, name="retention_propose"),
    path("gallring/<id:pk>/beslut/", views_retention.retention_decide,
         name="retention_decide"),
    path("scb/", views_scb.scb_list, name="scb_list"),
    path("scb/avisering/", views_scb.scb_banner, name="scb_banner"),
    path("scb/fil/<id:pk>/", views_scb.scb_file, name="scb_file"),
    path("scb/fil/<id:pk>/hamta/", views_scb.scb_file_download, {"kind": "content"},
         name="scb_file_download"),
    path("scb/fil/<id:pk>/lasbar.xlsx", views_scb.scb_file_download, {"kind": "xlsx"},
         name="scb_file_readable"),
    path("scb/fil/<id:pk>/inskickad/", views_scb.scb_file_submit, name="scb_file_submit"),
    path("scb/<str:period>/", views_scb.scb_period, name="scb_period"),
    path("scb/<str:period>/profil/", views_scb.scb_profile, name="scb_profile"),
]
