"""The staff pages of outreach, mounted at /uppsok/: one `outreach` namespace made of each
sub-package's urlpatterns (the youth's public e-service has its own, /e/)."""

from __future__ import annotations

from django.urls import path

from outreach import views_letters
from outreach.eservice.urls import urlpatterns as eservice_urls
from outreach.queue.urls import urlpatterns as queue_urls
from outreach.routine.urls import urlpatterns as routine_urls
from outreach.youth_tab.urls import urlpatterns as youth_tab_urls

app_name = "outreach"

urlpatterns = [
    *queue_urls,
    *youth_tab_urls,
    *eservice_urls,
    path("ungdom/<id:pk>/meddelande/", views_letters.message_send, name="message_send"),
    path("utskick/", views_letters.batch_new, name="batch_new"),
    path("utskick/<id:pk>/", views_letters.batch_detail, name="batch_detail"),
    path("utskick/<id:pk>/pdf/", views_letters.batch_pdf, name="batch_pdf"),
    path("utskick/<id:pk>/bekrafta/", views_letters.batch_confirm, name="batch_confirm"),
    path("mallar/", views_letters.template_list, name="templates"),
    path("mallar/ny/", views_letters.template_edit, name="template_new"),
    path("mallar/<id:pk>/", views_letters.template_edit, name="template_edit"),
    *routine_urls,
]
