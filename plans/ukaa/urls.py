from __future__ import annotations

from django.urls import path

from plans.ukaa import views

urlpatterns = [
    path("utokat-aktivitetsansvar/", views.offer_list, name="ukaa_list"),
    path("utokat-aktivitetsansvar/att-gora/", views.todo_counts, name="ukaa_todo_counts"),
    path("utokat-aktivitetsansvar/<id:pk>/", views.offer_decide_view, name="ukaa_decide"),
]
