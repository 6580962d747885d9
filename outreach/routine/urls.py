"""The routine's pages (in the `outreach` namespace, see outreach/urls.py)."""

from __future__ import annotations

from django.urls import path

from outreach.routine import views

urlpatterns = [
    path("rutiner/", views.routine_list, name="routines"),
    path("rutiner/mall/", views.routine_use_template, name="routine_template"),
    path("rutiner/andra/", views.routine_edit, name="routine_edit"),
    path("rutiner/flytta/", views.routine_migrate, name="routine_migrate"),
]
