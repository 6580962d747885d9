"""The board reports' pages, under the reporting namespace (reporting/urls.py)."""

from __future__ import annotations

from django.urls import path

from reporting.board import views

urlpatterns = [
    path("", views.reports, name="reports"),
    path("lista/", views.reports_list, name="reports_list"),
    path("<id:pk>/rapport.pdf", views.report_download, {"fmt": "pdf"}, name="report_pdf"),
    path("<id:pk>/rapport.xlsx", views.report_download, {"fmt": "xlsx"}, name="report_xlsx"),
]
