"""The gallring page, under the records namespace (records/urls.py)."""

from __future__ import annotations

from django.urls import path

from records.retention import views

urlpatterns = [
    path("", views.retention_page, name="retention"),
    path("att-gora/", views.todo_counts, name="retention_todo_counts"),
    path("forslag/", views.retention_propose, name="retention_propose"),
    path("<id:pk>/beslut/", views.retention_decide, name="retention_decide"),
]
