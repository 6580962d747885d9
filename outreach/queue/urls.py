"""The work queue's pages (in the `outreach` namespace, see outreach/urls.py)."""

from __future__ import annotations

from django.urls import path

from outreach.queue import views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("att-gora/", views.todo_counts, name="todo_counts"),
    path("veckogenomgang/", views.weekly_review, name="review"),
    path("uppgifter/klara/", views.tasks_bulk_done, name="tasks_bulk_done"),
    path("uppgifter/<id:pk>/utfall/", views.task_outcome, name="task_outcome"),
    path("ungdom/<id:pk>/kontakt/", views.contact_log, name="contact_log"),
    path("ungdom/<id:pk>/nadd/", views.reached, name="reached"),
]
