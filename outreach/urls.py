from __future__ import annotations

from django.urls import path

from outreach import views

app_name = "outreach"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("veckogenomgang/", views.weekly_review, name="review"),
    path("uppgifter/klara/", views.tasks_bulk_done, name="tasks_bulk_done"),
    path("uppgifter/<int:pk>/utfall/", views.task_outcome, name="task_outcome"),
    path("ungdom/<int:pk>/", views.youth_tab, name="youth_tab"),
    path("ungdom/<int:pk>/kontakt/", views.contact_log, name="contact_log"),
    path("ungdom/<int:pk>/nadd/", views.reached, name="reached"),
    path("rutiner/", views.routine_list, name="routines"),
    path("rutiner/mall/", views.routine_use_template, name="routine_template"),
    path("rutiner/andra/", views.routine_edit, name="routine_edit"),
    path("rutiner/flytta/", views.routine_migrate, name="routine_migrate"),
]
