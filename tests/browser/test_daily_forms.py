"""A coach's and a coordinator's everyday forms in the browser: a save that met someone else's
save meanwhile, the closing conversation, the weekly review, one's own password."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login
from tests.factories import youth_make
from youth.models import Youth

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where to keep screenshots for a person to look at (unset: none are taken).
SHOTS = os.environ.get("KAA_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_save_meanwhile_shows_three_columns_and_keeps_their_fix(
    page, coach, colleague, municipality, width
):
    from youth.register.services import youth_contact_update

    page.set_viewport_size({"width": width, "height": 900})
    youth = youth_make(
        municipality=municipality, coach=coach, phone="070-000", email="fel@exempel.se"
    )
    _login(page, "omar")
    page.goto(f"/ungdomar/{youth.pk}/andra/")
    # A colleague fixes the e-mail address while the form is open.
    youth_contact_update(youth=youth, actor=colleague, version=1, email="ratt@exempel.se")
    page.get_by_label("Telefon", exact=True).fill("070-999")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    shown = page.locator("#stale-changes").inner_text()  # what is rendered at this width
    for words in (
        "När du öppnade",
        "Sparat under tiden",
        "Ditt värde (inte sparat)",
        "fel@exempel.se",
        "ratt@exempel.se",
        "Inte ändrat av dig",
        "070-999",
    ):
        assert words in shown, (words, shown)
    if width == 1280:
        row = page.locator("#stale-changes tr", has_text="E-post").inner_text()
        assert row.split("\t")[1:3] == ["fel@exempel.se", "ratt@exempel.se"], row
    assert page.get_by_label("E-post").input_value() == "ratt@exempel.se"
    assert page.get_by_label("Telefon", exact=True).input_value() == "070-999"
    _shot(page, f"stale-{width}")
    _accessible(page)

    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Kontaktuppgifterna är sparade" in page.content()
    youth = Youth.objects.get(pk=youth.pk)
    assert (youth.email, youth.phone) == ("ratt@exempel.se", "070-999")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_closing_conversation_asks_everything_and_ends_every_intervention(
    page, coach, municipality, width
):
    import datetime as dt

    from django.utils import timezone

    from plans.actionplans.services import intervention_save
    from plans.models import ActionPlan, Intervention, InterventionType
    from tests.factories import plan_make

    page.set_viewport_size({"width": width, "height": 900})
    youth = youth_make(municipality=municipality, coach=coach)
    plan = plan_make(youth, actor=coach, interventions=1)
    running = plan.interventions.get()
    other = InterventionType.objects.filter(municipality=municipality).exclude(pk=running.type_id)[
        0
    ]
    planned = intervention_save(
        plan=plan,
        actor=coach,
        type=other,
        planned_start=timezone.localdate() + dt.timedelta(days=7),
    )
    _login(page, "omar")
    page.goto(f"/planer/ungdom/{youth.pk}/plan/{plan.pk}/")
    page.get_by_role("link", name="Avslutande samtal").click()
    assert page.locator("input[type=radio]:checked").count() == 0
    _shot(page, f"closing-form-{width}")
    _accessible(page)

    page.locator("#id_destination").select_option(index=1)
    page.get_by_label(f"Vad avslutade {running.type.name}").select_option(label="Fick arbete")
    page.get_by_label(f"Varför blir {other.name} inte av").select_option(
        label="Passade inte, ersatt av annan insats"
    )
    for question in ("q_helped", "q_respected", "q_involved", "q_next_step_clear"):
        page.locator(f"input[name={question}][value='4']").check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    # The recommendation was never answered: asked again, nothing saved, nothing lost.
    assert "Formuläret innehåller fel" in page.content()
    assert ActionPlan.objects.get(pk=plan.pk).status == "active"
    assert page.locator("input[name=q_helped][value='4']").is_checked()
    page.locator("input[name=would_recommend][value='True']").check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "planen är avslutad" in page.content()
    _shot(page, f"closing-done-{width}")
    expect(page.get_by_text("blev inte av")).to_be_visible()
    assert page.get_by_role("link", name="Avslutande samtal").count() == 0
    ended = {i.pk: i.end_reason for i in Intervention.objects.filter(plan=plan)}
    assert ended == {running.pk: "work", planned.pk: "not_suitable"}


@pytest.mark.parametrize("width", [1280, 375])
def test_the_weekly_review_lists_only_youths_the_routine_did_not_reach(
    page, coach, coordinator, municipality, width
):
    from tests.outreach.test_weekly_review import two_the_routine_did_not_reach

    page.set_viewport_size({"width": width, "height": 900})
    two_the_routine_did_not_reach(municipality=municipality, coach=coach, coordinator=coordinator)
    _login(page, "omar")
    page.goto("/uppsok/veckogenomgang/")
    section = page.locator("section", has=page.locator("#r1"))
    assert "Inte nådda efter rutinen (1)" in section.inner_text()
    assert "Tystberg" in section.inner_text()
    assert "Planström" not in section.inner_text()
    expect(section.get_by_text("har en plan eller insats")).to_be_visible()
    _shot(page, f"review-{width}")
    _accessible(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_coach_changes_the_own_password_and_asks_for_a_forgotten_one(
    page, coach, settings, width
):
    from django.core import mail

    from tests.kaa.test_accounts import NEW_PASSWORD, PASSWORD

    settings.KAA_PASSWORD_RESET_EMAIL = True
    page.set_viewport_size({"width": width, "height": 900})
    _login(page, "omar")
    page.goto("/installningar/")
    page.get_by_role("link", name="Byt lösenord").click()
    page.get_by_label("Gammalt lösenord").fill(PASSWORD)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.get_by_label("Bekräfta nytt lösenord").fill(NEW_PASSWORD)
    _shot(page, f"password-change-{width}")
    _accessible(page)
    page.get_by_role("button", name="Byt lösenord").click()
    page.wait_for_load_state()
    assert "Ditt lösenord är bytt" in page.content()
    coach.refresh_from_db()
    assert coach.check_password(NEW_PASSWORD)

    page.context.clear_cookies()
    page.goto("/konto/logga-in/")
    page.get_by_role("link", name="Glömt lösenordet?").click()
    page.get_by_label("Användarnamn eller e-postadress").fill("omar")
    page.get_by_role("button", name="Skicka länk").click()
    page.wait_for_load_state()
    assert "strax en länk" in page.content()
    _shot(page, f"password-forgot-{width}")
    _accessible(page)
    assert [m.to for m in mail.outbox] == [["omar@example.se"]]


def test_a_new_staff_account_waits_for_the_role_to_be_chosen(page, admin_user):
    from tests.browser.test_register_pages import _login_with_totp

    _login_with_totp(page, admin_user)
    page.goto("/system/kaa/user/add/")
    role = page.locator("#id_requested_role")
    assert role.input_value() == ""
    assert role.locator("option").all_inner_texts() == [
        "---------",
        "Chef",
        "Ungdomscoach",
        "Samordnare",
        "Systemadministratör",
    ]
    _shot(page, "staff-add-1280")


def test_the_e_mail_subject_shows_only_when_the_channel_is_e_mail(page, coach, municipality):
    youth = youth_make(
        municipality=municipality, coach=coach, phone="070-000", email="ung@exempel.se"
    )
    _login(page, "omar")
    page.goto(f"/uppsok/ungdom/{youth.pk}/meddelande/")
    channel = page.get_by_label("Kanal")
    subject = page.get_by_label("Rubrik (e-post)")
    channel.select_option("sms")
    assert not subject.is_visible()
    channel.select_option("email")
    expect(subject).to_be_visible()
    subject.fill("Hej från KAA")
    page.get_by_label("Meddelande").fill("Ring oss gärna.")
    _accessible(page)
