"""Data protection pages (in the `youth` namespace, see youth/urls.py)."""

from __future__ import annotations

from django.urls import path

from youth.data_protection import views

urlpatterns = [
    path("<id:pk>/dataskydd/", views.data_protection_view, name="data_protection"),
    path("<id:pk>/skal/", views.protected_reason_view, name="reason"),
]
