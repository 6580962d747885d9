"""The "plans" namespace, mounted at /planer/: each sub-domain's routes."""

from __future__ import annotations

from plans.actionplans import urls as actionplans
from plans.catalogue import urls as catalogue
from plans.consent import urls as consent
from plans.conversations import urls as conversations
from plans.handover import urls as handover
from plans.meetings import urls as meetings
from plans.partners import urls as partners
from plans.school import urls as school
from plans.ukaa import urls as ukaa
from plans.youth_tab import urls as youth_tab

app_name = "plans"

urlpatterns = [
    *youth_tab.urlpatterns,
    *conversations.urlpatterns,
    *consent.urlpatterns,
    *actionplans.urlpatterns,
    *school.urlpatterns,
    *meetings.urlpatterns,
    *handover.urlpatterns,
    *ukaa.urlpatterns,
    *catalogue.urlpatterns,
    *partners.urlpatterns,
]
