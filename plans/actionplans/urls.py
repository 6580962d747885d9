from __future__ import annotations

from django.urls import path

from plans.actionplans import views

Y = "ungdom/<id:youth_pk>/"

urlpatterns = [
    path(Y + "plan/ny/", views.plan_add, name="plan_add"),
    path(Y + "plan/<id:pk>/", views.plan_detail, name="plan_detail"),
    path(Y + "plan/<id:pk>/andra/", views.plan_edit, name="plan_edit"),
    path(Y + "plan/<id:pk>/insats/ny/", views.intervention_edit, name="intervention_add"),
    path(
        Y + "plan/<id:pk>/insats/<id:intervention_pk>/",
        views.intervention_edit,
        name="intervention_edit",
    ),
    path(Y + "plan/<id:pk>/uppfoljning/", views.follow_up, name="follow_up"),
    path(Y + "plan/<id:pk>/avslut/", views.closing, name="closing"),
    path(Y + "plan/<id:pk>/revisioner/", views.revisions, name="revisions"),
    path(Y + "plan/<id:pk>/handlingsplan.pdf", views.plan_pdf, name="plan_pdf"),
    path("uppfoljningar/", views.overdue, name="overdue"),
]
