"""The youth's page (in the `youth` namespace, see youth/urls.py)."""

from __future__ import annotations

from django.urls import path

from youth.casefile import views

urlpatterns = [
    path("<id:pk>/", views.youth_detail_view, name="detail"),
    path("<id:pk>/andra/", views.youth_edit_view, name="edit"),
]
