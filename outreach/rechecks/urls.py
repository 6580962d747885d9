"""The coach's re-check page (in the `outreach` namespace, see outreach/urls.py)."""

from __future__ import annotations

from django.urls import path

from outreach.rechecks import views

urlpatterns = [
    path("aterkontroll/<id:pk>/", views.recheck, name="recheck"),
]
