from __future__ import annotations

from django.urls import path

from plans.youth_tab import views

urlpatterns = [
    path("ungdom/<id:youth_pk>/", views.youth_tab, name="youth_tab"),
]
