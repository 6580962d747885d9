from __future__ import annotations

from django.urls import path

from plans.meetings import views

urlpatterns = [
    path("natverksmoten/", views.meeting_list, name="meeting_list"),
    path("natverksmoten/nytt/", views.meeting_new, name="meeting_new"),
    path("natverksmoten/<id:pk>/", views.meeting_detail, name="meeting_detail"),
]
