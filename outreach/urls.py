from __future__ import annotations

from django.urls import path

from outreach import views, views_letters

app_name = "outreach"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("veckogenomgang/", views.weekly_review, name="review"),
    path("uppgifter/klara/", views.tasks_bulk_done, name="tasks_bulk_done"),
    path("uppgifter/<id:pk>/utfall/", views.task_outcome, name="task_outcome"),
    path("ungdom/<id:pk>/", views.youth_tab, name="youth_tab"),
    path("ungdom/<id:pk>/kontakt/", views.contact_log, name="contact_log"),
    path("ungdom/<id:pk>/nadd/", views.reached, name="reached"),
    path("ungdom/<id:pk>/e-tjanstkod/", views.eservice_code_revoke, name="eservice_revoke"),
    path("e-tjanst/<id:pk>/", views.eservice_review, name="eservice_review"),
    path("ungdom/<id:pk>/meddelande/", views_letters.message_send, name="message_send"),
    path("utskick/", views_letters.batch_new, name="batch_new"),
    path("utskick/<id:pk>/", views_letters.batch_detail, name="batch_detail"),
    path("utskick/<id:pk>/pdf/", views_letters.batch_pdf, name="batch_pdf"),
    path("utskick/<id:pk>/bekrafta/", views_letters.batch_confirm, name="batch_confirm"),
    path("mallar/", views_letters.template_list, name="templates"),
    path("mallar/ny/", views_letters.template_edit, name="template_new"),
    path("mallar/<id:pk>/", views_letters.template_edit, name="template_edit"),
    path("rutiner/", views.routine_list, name="routines"),
    path("rutiner/mall/", views.routine_use_template, name="routine_template"),
    path("rutiner/andra/", views.routine_edit, name="routine_edit"),
    path("rutiner/flytta/", views.routine_migrate, name="routine_migrate"),
]
