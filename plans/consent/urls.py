from __future__ import annotations

from django.urls import path

from plans.consent import views

Y = "ungdom/<id:youth_pk>/"

urlpatterns = [
    path(Y + "samtycke/nytt/", views.consent_add, name="consent_add"),
    path(Y + "samtycke/<id:pk>/", views.consent_detail, name="consent_detail"),
    path(Y + "samtycke/<id:pk>/aterkalla/", views.consent_revoke_view, name="consent_revoke"),
    path(Y + "samtycke/<id:pk>/mottagen/", views.consent_paper, name="consent_paper"),
    path(Y + "samtycke/<id:pk>/blankett.pdf", views.consent_pdf, name="consent_pdf"),
    path(Y + "samtycke/<id:pk>/skanning/", views.consent_scan, name="consent_scan"),
]
