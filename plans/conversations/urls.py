from __future__ import annotations

from django.urls import path

from plans.conversations import views

Y = "ungdom/<id:youth_pk>/"

urlpatterns = [
    path(Y + "kartlaggning/ny/", views.conversation_add, name="conversation_add"),
    path(Y + "kartlaggning/<id:pk>/", views.conversation_detail, name="conversation_detail"),
]
