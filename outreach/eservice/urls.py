"""The coach's e-service pages (in the `outreach` namespace, see outreach/urls.py); the youth's
public pages are in public/urls.py."""

from __future__ import annotations

from django.urls import path

from outreach.eservice import views

urlpatterns = [
    path("ungdom/<id:pk>/e-tjanstkod/", views.eservice_code_revoke, name="eservice_revoke"),
    path("e-tjanst/<id:pk>/", views.eservice_review, name="eservice_review"),
]
