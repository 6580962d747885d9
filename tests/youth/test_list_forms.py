"""The youth list's filter and assign forms with a large municipality's coaches: the selects
are written by KAA's form renderer exactly as Django's templates write them, and the page's
queries do not grow with the coaches."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory, youth_make

pytestmark = pytest.mark.django_db

FORMS = re.compile(r'<details class="mb-3".*?</details>|<fieldset class="row.*?</fieldset>', re.S)


@pytest.fixture
def many_coaches(municipality, team):
    coaches = [
        UserFactory(
            username=f"coach{i}",
            role="coach",
            municipality=municipality,
            team=team,
            first_name="Åsa & <Anna>" if i == 0 else f"Coach {i}",
            last_name=f"O'Brien {i}",
        )
        for i in range(40)
    ]
    for i, coach in enumerate(coaches[:10]):
        youth_make(municipality=municipality, coach=coach, last_name=f"Ung {i}")
    return coaches


def test_the_selects_are_the_markup_of_djangos_templates(
    client_for, coordinator, many_coaches, django_assert_max_num_queries
):
    client = client_for(coordinator)
    url = reverse("youth:list") + f"?coach={many_coaches[0].pk}&sort=coach&in_kaa=yes"
    with django_assert_max_num_queries(14):
        ours = client.get(url).content.decode()
    with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
        theirs = client.get(url).content.decode()
    assert FORMS.findall(ours) == FORMS.findall(theirs)
    assert len(FORMS.findall(ours)) == 2  # the filter form, the assign form under the rows
    coach_select = re.search(r'<select name="coach".*?</select>', ours, re.S)
    assert coach_select is not None
    assert coach_select.group().count("<option") == 40 + 1 + 1  # coaches, Sara, "Alla"
    assert "Åsa &amp; &lt;Anna&gt; O&#x27;Brien 0" in coach_select.group()
    assert f'value="{many_coaches[0].pk}" selected' in coach_select.group()


def test_without_filters_too(client_for, coordinator, many_coaches, django_assert_max_num_queries):
    client = client_for(coordinator)
    url = reverse("youth:list")
    with django_assert_max_num_queries(14):
        ours = client.get(url).content.decode()
    with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
        theirs = client.get(url).content.decode()
    assert FORMS.findall(ours) == FORMS.findall(theirs)
    assert len(FORMS.findall(ours)) == 2


def test_the_coach_selects_read_only_the_coaches_names(client_for, coordinator, many_coaches):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        body = client_for(coordinator).get(reverse("youth:list")).content.decode()
    users = [q["sql"] for q in ctx.captured_queries if 'FROM "kaa_user"' in q["sql"]]
    assert len(users) == 3  # the signed-in user, the filter's coaches, the assign form's
    assert sum('"kaa_user"."password"' in sql for sql in users) == 1  # the signed-in user
    assert body.count(f'<option value="{many_coaches[5].pk}">Coach 5 O&#x27;Brien 5</option>') == 2
