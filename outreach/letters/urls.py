"""Letter batches and message templates (in the `outreach` namespace, see outreach/urls.py)."""

from __future__ import annotations

from django.urls import path

from outreach.letters import views

urlpatterns = [
    path("utskick/", views.batch_new, name="batch_new"),
    path("utskick/<id:pk>/", views.batch_detail, name="batch_detail"),
    path("utskick/<id:pk>/pdf/", views.batch_pdf, name="batch_pdf"),
    path("utskick/<id:pk>/bekrafta/", views.batch_confirm, name="batch_confirm"),
    path("mallar/", views.template_list, name="templates"),
    path("mallar/ny/", views.template_edit, name="template_new"),
    path("mallar/<id:pk>/", views.template_edit, name="template_edit"),
]
