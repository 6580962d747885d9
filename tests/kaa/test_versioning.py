"""No lost updates: a stale form is refused and shows, per field, the value when it was opened,
the one saved meanwhile and the user's; it keeps what the user changed and takes the saved
value for the rest, so saving again writes only the user's changes."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import ActionPlan, Intervention
from tests.factories import plan_make, youth_make
from youth.models import Youth

pytestmark = pytest.mark.django_db


def _form_data(html: str) -> dict[str, str]:
    """The values a browser would send back from the page's form (text, hidden, select)."""
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data.setdefault(name, value)
    for name, body in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S
    ):
        data[name] = body.strip()
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_two_coaches_edit_the_same_phone_number(client_for, coach, colleague, municipality):
    youth = youth_make(municipality=municipality, coach=coach, phone="070-000")
    url = reverse("youth:edit", args=[youth.pk])
    first, second = client_for(coach), client_for(colleague)
    form_a = _form_data(first.get(url).content.decode())
    form_b = _form_data(second.get(url).content.decode())
    assert form_a["version"] == form_b["version"] == "1"

    assert first.post(url, {**form_a, "phone": "070-111"}).status_code == 302
    stale = second.post(url, {**form_b, "phone": "070-222", "email": "ny@exempel.se"})
    body = stale.content.decode()
    assert stale.status_code == 200
    assert "medan du hade formuläret öppet" in body
    assert re.search(
        r"<th scope=\"row\">Telefon</th><td>070-000</td><td>070-111</td><td>070-222</td>", body
    )
    youth.refresh_from_db()
    assert (youth.phone, youth.email, youth.version) == ("070-111", "", 2)
    kept = _form_data(body)
    assert (kept["phone"], kept["email"], kept["version"]) == ("070-222", "ny@exempel.se", "2")

    assert second.post(url, kept).status_code == 302  # a deliberate second save wins
    youth.refresh_from_db()
    assert (youth.phone, youth.email, youth.version) == ("070-222", "ny@exempel.se", 3)


def test_saving_again_keeps_the_fix_someone_else_made_meanwhile(
    client_for, coach, colleague, municipality
):
    from youth.models import FieldChange

    youth = youth_make(
        municipality=municipality, coach=coach, phone="070-000", email="fel@exempel.se"
    )
    url = reverse("youth:edit", args=[youth.pk])
    first, second = client_for(coach), client_for(colleague)
    form_a = _form_data(first.get(url).content.decode())
    form_b = _form_data(second.get(url).content.decode())
    assert first.post(url, {**form_a, "email": "ratt@exempel.se"}).status_code == 302

    stale = second.post(url, {**form_b, "phone": "070-999"})
    body = stale.content.decode()
    assert re.search(
        r"E-post</th><td>fel@exempel.se</td><td>ratt@exempel.se</td><td><span[^>]*>"
        r"Inte ändrat av dig",
        body,
    )
    assert re.search(r"Telefon</th><td>070-000</td><td>070-000</td><td>070-999</td>", body)
    kept = _form_data(body)
    # Their fix is in the form now; the phone typed is still there.
    assert (kept["email"], kept["phone"], kept["version"]) == ("ratt@exempel.se", "070-999", "2")

    assert second.post(url, kept).status_code == 302
    youth.refresh_from_db()
    assert (youth.email, youth.phone, youth.version) == ("ratt@exempel.se", "070-999", 3)
    by_second = FieldChange.objects.filter(youth=youth, by=colleague)
    assert list(by_second.values_list("field", flat=True)) == ["phone"]


def test_only_the_fields_changed_are_saved_even_from_an_old_form(
    client_for, coach, colleague, municipality
):
    """The service is given the changed fields alone: the plan's audit event names only the
    goal, not every field of the form."""
    from kaa.models import AuditEvent

    youth = youth_make(municipality=municipality, coach=coach)
    plan = plan_make(youth, actor=coach)
    url = reverse("plans:plan_edit", args=[youth.pk, plan.pk])
    form = _form_data(client_for(coach).get(url).content.decode())
    assert client_for(coach).post(url, {**form, "goal": "Gymnasiet i höst."}).status_code == 302
    event = AuditEvent.objects.filter(
        action="update", object_type="plans.actionplan", object_id=str(plan.pk)
    ).latest("pk")
    assert event.detail == "goal"


def _plan_open_twice(client_for, coach, colleague, municipality):
    """A plan whose edit form two coaches have open: the plan, the address, each client and
    the values its form would send."""
    youth = youth_make(municipality=municipality, coach=coach)
    plan = plan_make(youth, actor=coach)
    url = reverse("plans:plan_edit", args=[youth.pk, plan.pk])
    first, second = client_for(coach), client_for(colleague)
    form_a = _form_data(first.get(url).content.decode())
    form_b = _form_data(second.get(url).content.decode())
    return plan, url, (first, form_a), (second, form_b)


def test_a_stale_plan_shows_the_case_worker_chosen_meanwhile_in_the_form(
    client_for, coach, colleague, municipality
):
    plan, url, (first, form_a), (second, form_b) = _plan_open_twice(
        client_for, coach, colleague, municipality
    )
    assert form_a["case_worker"] == str(coach.pk)
    assert first.post(url, {**form_a, "case_worker": colleague.pk}).status_code == 302
    stale = second.post(url, {**form_b, "goal": "Komvux."})
    kept = _form_data(stale.content.decode())
    assert kept["case_worker"] == str(colleague.pk)  # the select shows the saved choice
    assert second.post(url, kept).status_code == 302
    plan.refresh_from_db()
    assert (plan.case_worker, plan.goal) == (colleague, "Komvux.")


def test_a_stale_plan_edit_keeps_the_text_and_overwrites_nothing(
    client_for, coach, colleague, municipality
):
    plan, url, (first, form_a), (second, form_b) = _plan_open_twice(
        client_for, coach, colleague, municipality
    )
    assert first.post(url, {**form_a, "goal": "Praktik i vår."}).status_code == 302
    stale = second.post(url, {**form_b, "goal": "Komvux i höst, svenska först."})
    body = stale.content.decode()
    assert "Praktik i vår." in body  # what is saved now
    assert "Komvux i höst, svenska först." in body  # theirs, still in the form
    plan.refresh_from_db()
    assert plan.goal == "Praktik i vår."
    assert ActionPlan.objects.get(pk=plan.pk).revision == 2


def test_a_stale_intervention_edit_is_refused(client_for, coach, colleague, municipality):
    youth = youth_make(municipality=municipality, coach=coach)
    plan = plan_make(youth, actor=coach, interventions=1)
    intervention = Intervention.objects.get(plan=plan)
    url = reverse("plans:intervention_edit", args=[youth.pk, plan.pk, intervention.pk])
    first, second = client_for(coach), client_for(colleague)
    form_a = _form_data(first.get(url).content.decode())
    form_b = _form_data(second.get(url).content.decode())
    assert first.post(url, {**form_a, "purpose": "Ny inriktning"}).status_code == 302
    stale = second.post(url, {**form_b, "purpose": "Annat syfte"})
    assert "Ändrat medan du skrev" in stale.content.decode()
    intervention.refresh_from_db()
    assert (intervention.purpose, intervention.version) == ("Ny inriktning", 2)


def test_jobs_and_imports_without_a_form_are_not_checked(coach, municipality):
    from youth.register.services import youth_contact_update

    youth = youth_make(municipality=municipality, coach=coach)
    youth_contact_update(youth=youth, actor=coach, phone="070-1")
    youth_contact_update(youth=youth, actor=coach, phone="070-2")
    assert Youth.objects.get(pk=youth.pk).version == 3
    unchanged = youth_contact_update(youth=youth, actor=coach, phone="070-2", version=3)
    assert unchanged.version == 3  # nothing changed, nothing bumped


def test_two_coordinators_edit_the_routine(client_for, coordinator, municipality):
    from outreach.models import Routine
    from outreach.routine.services import routine_from_template
    from tests.factories import UserFactory

    other = UserFactory(username="karin", role="coordinator", municipality=municipality)
    routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    url = reverse("outreach:routine_edit")
    first, second = client_for(coordinator), client_for(other)
    steps = {
        "steg-TOTAL_FORMS": 1,
        "steg-INITIAL_FORMS": 0,
        "steg-0-order": 1,
        "steg-0-title": "Sms",
        "steg-0-channel": "sms",
        "steg-0-offset_value": 3,
        "steg-0-offset_unit": "business_days",
        "steg-0-anchor": "registration",
        "steg-0-min_failed_attempts": 0,
    }
    version_a = _form_data(first.get(url).content.decode())["version"]
    version_b = _form_data(second.get(url).content.decode())["version"]
    base = {"retry_after_days": 30, "concern_after_attempts": 3, **steps}
    assert first.post(url, {**base, "name": "Rutin A", "version": version_a}).status_code == 302
    stale = second.post(url, {**base, "name": "Rutin B", "version": version_b})
    body = stale.content.decode()
    assert "Ändrat medan du skrev" in body
    assert "Rutin A" in body
    assert 'value="Rutin B"' in body
    assert Routine.objects.get(is_current=True).name == "Rutin A"
    assert Routine.objects.filter(municipality=municipality).count() == 2


def test_two_staff_register_the_signed_consent_form_at_once(
    client_for, coach, colleague, municipality
):
    from plans.models import Consent
    from tests.factories import consent_make

    youth = youth_make(municipality=municipality, coach=coach)
    consent = consent_make(youth, actor=coach)
    detail = reverse("plans:consent_detail", args=[youth.pk, consent.pk])
    url = reverse("plans:consent_paper", args=[youth.pk, consent.pk])
    first, second = client_for(coach), client_for(colleague)
    page_a, page_b = first.get(detail).content.decode(), second.get(detail).content.decode()
    version_a = re.search(r'name="version" value="(\d+)"', page_a).group(1)
    version_b = re.search(r'name="version" value="(\d+)"', page_b).group(1)
    today = consent.given_on.isoformat()
    assert first.post(url, {"on": today, "version": version_a}).status_code == 302
    scan = SimpleUploadedFile("blankett-omar.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")
    stale = second.post(url, {"on": today, "version": version_b, "scan": scan})
    body = stale.content.decode()
    assert stale.status_code == 400
    assert "sparade ändringar" in body
    # The same date, but the scan differs; the file must be chosen again (a browser never
    # refills a file field), and the table of differences shows.
    assert "Ändrat medan du skrev" in body
    assert re.search(
        r"Inskannad blankett</th><td>–</td><td>–</td><td>blankett-omar.pdf</td>", body
    )
    assert "Filen är inte sparad. Välj den igen om den ska sparas." in body
    assert not Consent.objects.get(pk=consent.pk).scan
    assert 'name="version" value="2"' in body  # saving again is now a deliberate choice
    consent.refresh_from_db()
    assert (consent.paper_received_by, consent.version) == (coach, 2)
    # The withdrawal form opened before the paper was registered is stale too.
    revoke = second.post(
        reverse("plans:consent_revoke", args=[youth.pk, consent.pk]),
        {"on": today, "note": "", "version": version_b},
    )
    assert "sparade ändringar" in revoke.content.decode()
    assert Consent.objects.get(pk=consent.pk).ended_on is None


def test_two_coordinators_assigning_the_same_youth_at_once(
    client_for, coordinator, coach, colleague, municipality
):
    from kaa.models import User

    other = User.objects.create(
        username="karin",
        role="coordinator",
        municipality=municipality,
        first_name="Karin",
        last_name="Samordnare",
    )
    youth = youth_make(municipality=municipality)
    url = reverse("youth:assign", args=[youth.pk])
    mine = client_for(coordinator)
    page = mine.get(url).content.decode()
    assert re.search(r'name="was" value="0"', page)
    assert client_for(other).post(url, {"coach": colleague.pk, "was": 0}).status_code == 302
    stale = mine.post(url, {"coach": coach.pk, "was": 0})
    body = stale.content.decode()
    assert "fått en annan coach medan du hade formuläret öppet" in body
    assert colleague.get_full_name() in body
    assert Youth.objects.get(pk=youth.pk).coach == colleague
    assert f'name="was" value="{colleague.pk}"' in body  # saving again is deliberate
    assert mine.post(url, {"coach": coach.pk, "was": colleague.pk}).status_code == 302
    assert Youth.objects.get(pk=youth.pk).coach == coach
