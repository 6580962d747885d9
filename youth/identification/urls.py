from __future__ import annotations

from django.urls import path

from youth.identification import views

app_name = "identification"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("att-gora/", views.todo_counts, name="todo_counts"),
    path("ladda-upp/", views.source_upload, name="source_upload"),
    path("kor/", views.run_now, name="run_now"),
    path("godkann/", views.proposals_approve, name="proposals_approve"),
    path("forslag/<id:pk>/", views.proposal_detail, name="proposal_detail"),
    path("tackning/<str:kind>/", views.coverage_list, name="coverage_list"),
]
