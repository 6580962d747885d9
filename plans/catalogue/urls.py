from __future__ import annotations

from django.urls import path

from plans.catalogue import views

urlpatterns = [
    path("insatskatalog/", views.catalogue, name="catalogue"),
    path("insatskatalog/ny/", views.catalogue_edit, name="catalogue_add"),
    path("insatskatalog/<id:pk>/", views.catalogue_edit, name="catalogue_edit"),
]
