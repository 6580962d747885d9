from __future__ import annotations

from django.urls import path

from plans import views, views_config, views_school

app_name = "plans"

Y = "ungdom/<id:youth_pk>/"

urlpatterns = [
    path(Y, views.youth_tab, name="youth_tab"),
    path(Y + "kartlaggning/ny/", views.conversation_add, name="conversation_add"),
    path(Y + "kartlaggning/<id:pk>/", views.conversation_detail, name="conversation_detail"),
    path(Y + "samtycke/nytt/", views.consent_add, name="consent_add"),
    path(Y + "samtycke/<id:pk>/", views.consent_detail, name="consent_detail"),
    path(Y + "samtycke/<id:pk>/aterkalla/", views.consent_revoke_view, name="consent_revoke"),
    path(Y + "samtycke/<id:pk>/mottagen/", views.consent_paper, name="consent_paper"),
    path(Y + "samtycke/<id:pk>/blankett.pdf", views.consent_pdf, name="consent_pdf"),
    path(Y + "samtycke/<id:pk>/skanning/", views.consent_scan, name="consent_scan"),
    path(Y + "plan/ny/", views.plan_add, name="plan_add"),
    path(Y + "plan/<id:pk>/", views.plan_detail, name="plan_detail"),
    path(Y + "plan/<id:pk>/andra/", views.plan_edit, name="plan_edit"),
    path(Y + "plan/<id:pk>/insats/ny/", views.intervention_edit, name="intervention_add"),
    path(Y + "plan/<id:pk>/insats/<id:intervention_pk>/", views.intervention_edit,
         name="intervention_edit"),
    path(Y + "plan/<id:pk>/uppfoljning/", views.follow_up, name="follow_up"),
    path(Y + "plan/<id:pk>/avslut/", views.closing, name="closing"),
    path(Y + "plan/<id:pk>/revisioner/", views.revisions, name="revisions"),
    path(Y + "plan/<id:pk>/handlingsplan.pdf", views.plan_pdf, name="plan_pdf"),
    path("uppfoljningar/", views_config.overdue, name="overdue"),
    path("skolanmalningar/", views_school.inbox, name="school_inbox"),
    path("skolanmalningar/<id:pk>/", views_school.detail, name="school_detail"),
    path("skolanmalningar/<id:pk>/ta-om-hand/", views_school.accept, name="school_accept"),
    path("skolanmalningar/<id:pk>/avvisa/", views_school.reject, name="school_reject"),
    path("forebyggande/ny/", views_config.preventive_new, name="preventive_new"),
    path("natverksmoten/", views_config.meeting_list, name="meeting_list"),
    path("natverksmoten/nytt/", views_config.meeting_new, name="meeting_new"),
    path("natverksmoten/<id:pk>/", views_config.meeting_detail, name="meeting_detail"),
    path("insatskatalog/", views_config.catalogue, name="catalogue"),
    path("insatskatalog/ny/", views_config.catalogue_edit, name="catalogue_add"),
    path("insatskatalog/<id:pk>/", views_config.catalogue_edit, name="catalogue_edit"),
    path("samverkansparter/", views_config.partners, name="partners"),
    path("samverkansparter/ny/", views_config.partner_edit, name="partner_add"),
    path("samverkansparter/<id:pk>/", views_config.partner_edit, name="partner_edit"),
]
