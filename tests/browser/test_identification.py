"""The coordinators' identification page in Chromium: upload, run, evidence, approve; axe."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login_with_totp
from tests.youth.identification.files import born_aged, navet, pnr, post
from youth.models import KaaPeriod

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_reviews_and_approves_a_proposal(page, coordinator, tmp_path):
    today = timezone.localdate()
    number = pnr(born_aged(17, today))
    population = tmp_path / "navet.xml"
    population.write_bytes(
        navet(post(number, first="Nils", last="Holm", guardians=("Vera Holm",)))
    )
    _login_with_totp(page, coordinator)
    page.goto("/ungdomar/identifiering/")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_role("radio", name="Folkbokföring").check()
    page.locator("#id_file").set_input_files(str(population))
    page.get_by_role("button", name="Läs in filen").click()
    page.get_by_text("navet.xml är inläst").wait_for()
    page.get_by_role("button", name="Kör nu").click()
    page.get_by_text("Körningen är klar: 1 nya").wait_for()
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_role("link", name="Visa underlag för Nils").click()
    page.get_by_role("heading", name="Enligt källorna").wait_for()
    assert "Vera Holm" in page.content()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_role("button", name="Godkänn förslaget").click()
    page.get_by_text("1 förslag godkända.").wait_for()
    assert KaaPeriod.objects.filter(youth__personnummer=number, end_date__isnull=True).exists()


def test_coverage_on_the_scb_page_links_to_the_lists(page, coordinator, monkeypatch):
    """The coverage figures on the SCB page, the list of the missing, and a failing SS 12000
    source on the identification page; axe on each."""
    import io

    from reporting.scb.periods import HalfYear
    from youth.identification import deliveries, services
    from youth.identification.models import Ss12000Connection

    today = timezone.localdate()
    missing = pnr(born_aged(17, today))
    municipality = coordinator.municipality
    deliveries.population_store(
        municipality=municipality,
        filename="navet.xml",
        actor=None,
        stream=io.BytesIO(navet(post(missing, first="Saga", last="Lind"))),
    )
    services.run_identification(municipality=municipality, on=today, actor=None)
    Ss12000Connection.objects.create(
        municipality=municipality,
        name="Skolsystemet",
        base_url="https://skola.example.se",
        token_env="KAA_SS12000_X",
        last_attempt_at=timezone.now(),
        last_error="SS 12000 (https://skola.example.se) svarade 401: token saknas.",
    )
    _login_with_totp(page, coordinator)
    page.goto("/ungdomar/identifiering/")
    page.get_by_text("Hämtningen från Skolsystemet misslyckades").wait_for()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    period = HalfYear.containing(
        today.replace(month=1, day=15)
        if today.month > 6
        else today.replace(year=today.year - 1, month=7, day=15)
    )
    page.goto(f"/statistik/scb/{period}/")
    page.get_by_role(
        "heading", name="Täckning: målgruppen enligt registren och KAA-registret"
    ).wait_for()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_role("row", name="… av dem inte i KAA-registret").get_by_role("link").click()
    page.get_by_role("heading", name="I målgruppen men inte i KAA-registret").wait_for()
    assert "Lind, Saga" in page.content()
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_queue_evidence_and_mapping_pages_reflow_at_320_px(page, coordinator):
    """No sideways scrolling of the page on a phone: wide tables scroll inside their own box
    (with their visually hidden labels), the standard header line breaks."""
    import io

    from youth.identification import deliveries, services

    today = timezone.localdate()
    municipality = coordinator.municipality
    deliveries.population_store(
        municipality=municipality,
        filename="navet-med-ett-langt-filnamn.xml",
        actor=None,
        stream=io.BytesIO(
            navet(
                post(pnr(born_aged(17, today)), first="Maximiliana", last="Johansson-Lindqvist"),
                post(pnr(born_aged(18, today)), first="Sam", last="Ek", secrecy=True),
            )
        ),
    )
    proposal = services.run_identification(
        municipality=municipality, on=today, actor=None
    ).proposals.first()
    page.set_viewport_size({"width": 320, "height": 800})
    _login_with_totp(page, coordinator)
    for path in (
        "/ungdomar/identifiering/",
        f"/ungdomar/identifiering/forslag/{proposal.pk}/",
        "/ungdomar/import/kolumnmappning/?typ=enrolments",
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
