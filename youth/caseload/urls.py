"""The caseload's pages (in the `youth` namespace, see youth/urls.py)."""

from __future__ import annotations

from django.urls import path

from youth.caseload import views

urlpatterns = [
    path("", views.youth_list_view, name="list"),
    path("att-gora/", views.todo_counts, name="todo_counts"),
    path("mina/", views.caseload_panel_view, name="caseload"),
    path("tilldela/", views.youth_assign_bulk_view, name="assign_bulk"),
    path("overlamning/", views.caseload_hand_over_view, name="hand_over"),
    path("<id:pk>/tilldela/", views.youth_assign_view, name="assign"),
]
