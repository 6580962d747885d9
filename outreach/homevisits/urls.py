"""Home visits (in the `outreach` namespace, see outreach/urls.py)."""

from __future__ import annotations

from django.urls import path

from outreach.homevisits import views

urlpatterns = [
    path("hembesok/larm/", views.alerts, name="homevisit_alerts"),
    path("hembesok/jour/", views.duty, name="homevisit_duty"),
    path("hembesok/planera/<id:pk>/", views.plan, name="homevisit_plan"),
    path("hembesok/<id:pk>/", views.detail, name="homevisit_detail"),
    path("hembesok/<id:pk>/checka-in/", views.check_in, name="homevisit_check_in"),
    path("hembesok/<id:pk>/checka-ut/", views.check_out, name="homevisit_check_out"),
    path("hembesok/<id:pk>/stall-in/", views.cancel, name="homevisit_cancel"),
    path("hembesok/<id:pk>/utfall/", views.outcome, name="homevisit_outcome"),
    path("hembesok/<id:pk>/knacklapp/", views.knock_card, name="homevisit_knock_card"),
    path("hembesok/<id:pk>/kvittera/", views.acknowledge, name="homevisit_acknowledge"),
]
