"""A form posted after the session expired is kept as a draft only if the POST carries the
browser's valid CSRF token: a cross-site POST must not plant a draft that the user's next login
fills into a form."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse

from kaa.middleware import SESSION_DRAFT, SESSION_LAST_SEEN
from tests.factories import youth_make

PASSWORD = "ett-langt-testlosenord-123"
LOGIN = "/konto/logga-in/"


def _csrf(client: Client) -> str:
    client.get(LOGIN)
    return client.cookies["csrftoken"].value


def _expire(client: Client, settings) -> None:
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - settings.KAA_SESSION_IDLE_MINUTES * 60 - 5
    session.save()


def _login(client: Client, username: str, next_url: str = "") -> None:
    response = client.post(
        LOGIN,
        {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": _csrf(client),
            "next": next_url,
        },
    )
    assert response.status_code == 302


def test_a_cross_site_post_after_expiry_keeps_no_draft(db, coach, settings):
    youth = youth_make(municipality=coach.municipality, coach=coach)
    page = reverse("youth:detail", args=[youth.pk])
    client = Client(enforce_csrf_checks=True)
    _login(client, "omar")
    _expire(client, settings)
    # Another site makes the browser post a note, without this site's token.
    response = client.post(
        reverse("youth:note_add", args=[youth.pk]),
        {"text": "Planterad anteckning"},
        headers={"Origin": "https://angripare.example", "Referer": "https://angripare.example/"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert SESSION_DRAFT not in client.session
    assert "_auth_user_id" not in client.session  # the session still ends
    # Nothing of it comes back after the next login.
    _login(client, "omar", next_url=page)
    body = client.get(page).content.decode()
    assert "Planterad anteckning" not in body
    assert "kaa-draft" not in body
    assert "Det du skrev innan du loggades ut" not in body


def test_a_post_with_a_wrong_token_after_expiry_keeps_no_draft(db, coach, settings):
    client = Client(enforce_csrf_checks=True)
    _login(client, "omar")
    _expire(client, settings)
    response = client.post(
        "/ungdomar/ny/", {"first_name": "Planterad", "csrfmiddlewaretoken": "x" * 64}
    )
    assert response.status_code == 302
    assert SESSION_DRAFT not in client.session
    messages = [str(m) for m in response.wsgi_request._messages]
    assert not any("sparat och visas igen" in m for m in messages)


def test_a_post_with_the_valid_token_after_expiry_keeps_its_draft(db, coach, settings):
    youth = youth_make(municipality=coach.municipality, coach=coach)
    page = reverse("youth:detail", args=[youth.pk])
    client = Client(enforce_csrf_checks=True)
    _login(client, "omar")
    token = client.cookies["csrftoken"].value
    _expire(client, settings)
    response = client.post(
        reverse("youth:note_add", args=[youth.pk]),
        {"text": "Ringde, inget svar", "csrfmiddlewaretoken": token},
        headers={"Referer": f"http://testserver{page}"},
    )
    assert response.status_code == 302
    assert client.session[SESSION_DRAFT]["data"] == {"text": ["Ringde, inget svar"]}
    _login(client, "omar", next_url=page)
    assert "Ringde, inget svar" in client.get(page).content.decode()
