from __future__ import annotations

from django.urls import path

from plans.partners import views

urlpatterns = [
    path("samverkansparter/", views.partners, name="partners"),
    path("samverkansparter/ny/", views.partner_edit, name="partner_add"),
    path("samverkansparter/<id:pk>/", views.partner_edit, name="partner_edit"),
]
