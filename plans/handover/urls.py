from __future__ import annotations

from django.urls import path

from plans.handover import views

Y = "ungdom/<id:youth_pk>/"

urlpatterns = [
    path(Y + "overlamning/ny/", views.hand_over_new, name="handover_new"),
    path(Y + "overlamning/<id:pk>/", views.hand_over_detail, name="handover_detail"),
    path(Y + "overlamning/<id:pk>/paket.pdf", views.hand_over_pdf, name="handover_pdf"),
]
