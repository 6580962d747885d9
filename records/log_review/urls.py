"""The log review's pages, under the records namespace (records/urls.py). Their paths are the
ones they had in the kaa and youth apps."""

from __future__ import annotations

from django.urls import path

from records.log_review import views

urlpatterns = [
    path("loggkontroll/", views.audit_list, name="audit_list"),
    path("ungdomar/loggranskning/", views.review, name="access_review"),
    path("ungdomar/loggranskning/stickprov/", views.sample_new, name="access_sample_new"),
    path("ungdomar/loggranskning/stickprov/<id:pk>/", views.sample_detail, name="access_sample"),
]
