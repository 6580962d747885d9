"""Journal notes (in the `youth` namespace, see youth/urls.py)."""

from __future__ import annotations

from django.urls import path

from youth.notes import views

urlpatterns = [
    path("<id:pk>/anteckningar/", views.note_add_view, name="note_add"),
    path("<id:pk>/anteckningar/<id:note_pk>/", views.note_edit_view, name="note_edit"),
]
