from __future__ import annotations

from django.urls import path

from plans.school import views

urlpatterns = [
    path("skolanmalningar/", views.inbox, name="school_inbox"),
    path("skolanmalningar/att-gora/", views.todo_counts, name="school_todo_counts"),
    path("skolanmalningar/<id:pk>/", views.detail, name="school_detail"),
    path("skolanmalningar/<id:pk>/ta-om-hand/", views.accept, name="school_accept"),
    path("skolanmalningar/<id:pk>/avvisa/", views.reject, name="school_reject"),
    path("forebyggande/ny/", views.preventive_new, name="preventive_new"),
]
