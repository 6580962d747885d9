"""The youth's outreach tab (in the `outreach` namespace, see outreach/urls.py)."""

from __future__ import annotations

from django.urls import path

from outreach.youth_tab import views

urlpatterns = [
    path("ungdom/<id:pk>/", views.youth_tab, name="youth_tab"),
]
