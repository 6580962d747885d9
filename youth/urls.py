from __future__ import annotations

from django.urls import include, path

from youth import views, views_import

app_name = "youth"

urlpatterns = [
    path("", views.youth_list, name="list"),
    path("ny/", views.youth_register, name="register"),
    path("export.xlsx", views.youth_export, name="export"),
    path("mina/", views.caseload_panel, name="caseload"),
    path("tilldela/", views.youth_assign_bulk, name="assign_bulk"),
    path("overlamning/", views.caseload_hand_over, name="hand_over"),
    path("import/", views_import.import_upload, name="import_upload"),
    path("import/<id:pk>/", views_import.import_preview, name="import_preview"),
    path("import/kolumnmappning/", views_import.mapping_create, name="mapping_create"),
    path("identifiering/", include("youth.identification.urls")),
    path("<id:pk>/", views.youth_detail, name="detail"),
    path("<id:pk>/andra/", views.youth_edit, name="edit"),
    path("<id:pk>/sysselsattning/", views.occupation_add, name="occupation_add"),
    path("<id:pk>/vardnadshavare/", views.guardian_add, name="guardian_add"),
    path("<id:pk>/period/avsluta/", views.period_close, name="period_close"),
    path("<id:pk>/period/ny/", views.period_open, name="period_open"),
    path("<id:pk>/period/<id:period_pk>/ratta/", views.period_edit, name="period_edit"),
    path("<id:pk>/tilldela/", views.youth_assign, name="assign"),
    path("<id:pk>/dataskydd/", views.data_protection, name="data_protection"),
    path("<id:pk>/skal/", views.protected_reason, name="reason"),
    path("<id:pk>/anteckningar/", views.note_add, name="note_add"),
    path("<id:pk>/anteckningar/<id:note_pk>/", views.note_edit, name="note_edit"),
]
