"""The session timeout warning (WCAG 2.2.1): shown before the idle limit, focusable,
and "stay logged in" keeps the user logged in."""

from __future__ import annotations

import pytest

from kaa.models import UserSession
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _server_idle(seconds: int) -> None:
    """The server's side of the clock: every session last seen `seconds` ago."""
    import time

    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from kaa.middleware import SESSION_LAST_SEEN

    for row in Session.objects.all():
        store = SessionStore(session_key=row.session_key)
        if SESSION_LAST_SEEN in store:
            store[SESSION_LAST_SEEN] = int(time.time()) - seconds
            store.save()


def test_the_warning_appears_and_extends_the_session(page, coach, settings):
    settings.KAA_SESSION_IDLE_MINUTES = 30
    page.clock.install()
    _login(page, "omar")
    # The start page loads panels by htmx; every answer counts as activity and restarts the
    # countdown, so wait until they are in.
    page.wait_for_load_state("networkidle")
    warning = page.get_by_role("alertdialog", name="Du loggas snart ut")
    assert not warning.is_visible()
    page.clock.fast_forward("27:59")
    assert not warning.is_visible()
    _server_idle(28 * 60 + 1)
    page.clock.fast_forward("00:02")
    warning.wait_for(state="visible")
    button = warning.get_by_role("button", name="Fortsätt vara inloggad")
    assert page.evaluate("document.activeElement.textContent") == button.inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    with page.expect_response(lambda r: "/konto/session/forlang/" in r.url) as answer:
        button.click()
    assert answer.value.status == 204
    warning.wait_for(state="hidden")
    page.goto("/installningar/")
    assert "/konto/logga-in/" not in page.url
    assert UserSession.objects.filter(user=coach).count() == 1


def test_stay_logged_in_after_the_limit_shows_the_login_page_and_an_idle_page_leaves(
    page, coach, settings
):
    from django.contrib.sessions.models import Session

    settings.KAA_SESSION_IDLE_MINUTES = 30
    page.clock.install()
    _login(page, "omar")
    page.wait_for_load_state("networkidle")
    _server_idle(28 * 60 + 1)
    page.clock.fast_forward("28:01")
    warning = page.get_by_role("alertdialog", name="Du loggas snart ut")
    warning.wait_for(state="visible")
    Session.objects.all().delete()  # the server's limit passed meanwhile
    with page.expect_navigation():
        warning.get_by_role("button", name="Fortsätt vara inloggad").click()
    page.wait_for_url("**/konto/logga-in/**")
    # Logged in again and left alone past the limit: the page leaves for the login page ...
    _login(page, "omar")
    page.wait_for_load_state("networkidle")
    _server_idle(30 * 60 + 10)
    page.clock.fast_forward("30:06")
    page.wait_for_url("**/konto/logga-in/**")
    assert "utan aktivitet" in page.content()
    # ... unless something typed would be lost.
    _login(page, "omar")
    page.goto("/ungdomar/")
    page.wait_for_load_state("networkidle")
    page.locator("main input[type=search], main input[type=text]").first.fill("Alva")
    page.evaluate("window.kaaNotReloaded = true")  # gone if the page reloads
    _server_idle(30 * 60 + 10)
    page.clock.fast_forward("30:06")
    page.wait_for_timeout(500)
    assert page.evaluate("window.kaaNotReloaded === true")


def test_a_tab_left_open_does_not_keep_the_session_alive_or_log_reads(page, coach, settings):
    from kaa.models import AuditEvent
    from tests.factories import youth_make

    settings.KAA_SESSION_IDLE_MINUTES = 30
    youth = youth_make(municipality=coach.municipality, coach=coach)
    page.clock.install()
    _login(page, "omar")
    page.goto(f"/ungdomar/{youth.pk}/")
    page.wait_for_load_state("networkidle")
    reads = AuditEvent.objects.filter(action="read", youth_id=youth.pk).count()
    # The user works in another tab (the server's session is fresh); this one sits idle
    # past the limit: it asks, is told the session has time left, and stays as it is.
    page.evaluate("window.kaaNotReloaded = true")
    _server_idle(60)
    page.clock.fast_forward("30:06")
    page.wait_for_timeout(500)
    assert page.evaluate("window.kaaNotReloaded === true")
    assert not page.get_by_role("alertdialog", name="Du loggas snart ut").is_visible()
    assert AuditEvent.objects.filter(action="read", youth_id=youth.pk).count() == reads
    # Asking is not activity: the server's idle time was not reset by it.
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from kaa.middleware import SESSION_LAST_SEEN

    [row] = Session.objects.all()
    import time

    assert time.time() - SessionStore(session_key=row.session_key)[SESSION_LAST_SEEN] >= 59


def test_a_note_typed_when_the_session_ran_out_is_filled_in_again_after_login(page, coach):
    import time

    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from kaa.middleware import SESSION_LAST_SEEN
    from tests.factories import youth_make
    from youth.models import Note

    youth = youth_make(
        municipality=coach.municipality, coach=coach, first_name="Alva", last_name="Bergström"
    )
    _login(page, "omar")
    page.goto(f"/ungdomar/{youth.pk}/")
    page.get_by_label("Ny anteckning").fill("Ringde, lämnade meddelande.")
    # Meanwhile the server's idle limit passes (the page was left open).
    for row in Session.objects.all():
        store = SessionStore(session_key=row.session_key)
        store[SESSION_LAST_SEEN] = int(time.time()) - 31 * 60
        store.save()
    page.get_by_role("button", name="Spara anteckning").click()
    page.wait_for_url("**/konto/logga-in/**")
    assert "sparat och visas igen efter inloggningen" in page.content()
    page.get_by_label("Användarnamn").fill("omar")
    page.get_by_label("Lösenord").fill("ett-langt-testlosenord-123")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"**/ungdomar/{youth.pk}/")
    notice = page.get_by_role("status").filter(has_text="ifyllt igen")
    notice.wait_for(state="visible")
    field = page.get_by_label("Ny anteckning")
    assert field.input_value() == "Ringde, lämnade meddelande."
    assert page.evaluate("document.activeElement.name") == "text"
    assert not Note.objects.filter(youth=youth).exists()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_role("button", name="Spara anteckning").click()
    page.wait_for_load_state()
    assert Note.objects.get(youth=youth).text == "Ringde, lämnade meddelande."


def test_a_correction_typed_when_the_session_ran_out_comes_back_as_a_correction(page, coach):
    import datetime as dt

    from django.utils import timezone

    from tests.factories import youth_make
    from youth.models import Note

    youth = youth_make(municipality=coach.municipality, coach=coach)
    wrong = Note.objects.create(
        youth=youth,
        author=coach,
        text="Fel datum",
        created_at=timezone.now() - dt.timedelta(hours=2),
    )
    _login(page, "omar")
    page.goto(f"/ungdomar/{youth.pk}/")
    page.get_by_text("Skriv en rättelse").click()
    page.get_by_label("Rättelse", exact=True).fill("Rätt datum är 3 maj")
    _server_idle(31 * 60)
    page.get_by_role("button", name="Spara rättelse").click()
    page.wait_for_url("**/konto/logga-in/**")
    page.get_by_label("Användarnamn").fill("omar")
    page.get_by_label("Lösenord").fill("ett-langt-testlosenord-123")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"**/ungdomar/{youth.pk}/")
    page.get_by_role("status").filter(has_text="ifyllt igen").wait_for(state="visible")
    # Back in the correction form it was typed in (unfolded), not in "Ny anteckning".
    assert page.get_by_label("Ny anteckning").input_value() == ""
    correction = page.get_by_label("Rättelse", exact=True)
    assert correction.input_value() == "Rätt datum är 3 maj"
    assert page.evaluate("document.activeElement.id") == f"correct-{wrong.pk}"
    page.get_by_role("button", name="Spara rättelse").click()
    page.wait_for_load_state()
    saved = Note.objects.get(youth=youth, text="Rätt datum är 3 maj")
    assert saved.corrects == wrong
