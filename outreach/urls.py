"""The staff pages of outreach, mounted at /uppsok/: one `outreach` namespace made of each
sub-package's urlpatterns (the youth's public e-service has its own, /e/)."""

from __future__ import annotations

from outreach.eservice.urls import urlpatterns as eservice_urls
from outreach.homevisits.urls import urlpatterns as homevisit_urls
from outreach.letters.urls import urlpatterns as letters_urls
from outreach.messaging.urls import urlpatterns as messaging_urls
from outreach.queue.urls import urlpatterns as queue_urls
from outreach.rechecks.urls import urlpatterns as rechecks_urls
from outreach.routine.urls import urlpatterns as routine_urls
from outreach.youth_tab.urls import urlpatterns as youth_tab_urls

app_name = "outreach"

urlpatterns = [
    *queue_urls,
    *youth_tab_urls,
    *eservice_urls,
    *rechecks_urls,
    *messaging_urls,
    *letters_urls,
    *routine_urls,
    *homevisit_urls,
]
