"""Guardians taken from Navet carry their source (the source, its file and the day it
arrived) on the youth's page and in the register extract; guardians entered by staff say so;
a protected guardian's address is never shown."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from records.register_extract.services import extract_context
from tests.factories import with_reason, youth_make
from youth.identification import deliveries, services
from youth.models import Guardian, TimelineEntry
from youth.register.services import guardian_add

from .files import born_aged, navet, pnr, post

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _navet(municipality, *posts, filename="NAVET_20261130.XML"):
    return deliveries.population_store(
        municipality=municipality, stream=io.BytesIO(navet(*posts)), filename=filename, actor=None
    )


def _approve_all(municipality, actor):
    run = services.run_identification(municipality=municipality, on=TODAY, actor=None)
    approved, refused = services.proposals_approve(
        municipality=municipality,
        ids=list(run.proposals.values_list("pk", flat=True)),
        actor=actor,
    )
    assert refused == []
    return approved


def test_a_new_youths_guardians_carry_the_navet_delivery(municipality, coordinator):
    number = pnr(born_aged(17, TODAY))
    delivery = _navet(municipality, post(number, guardians=("Vera Holm", "Ole Holm")))
    assert _approve_all(municipality, coordinator) == 1
    guardians = Guardian.objects.filter(youth__personnummer=number)
    received = timezone.localdate(delivery.arrived_at)
    assert sorted(
        guardians.values_list("name", "source", "source_file", "source_received_on")
    ) == [
        ("Ole Holm", "Navet", "NAVET_20261130.XML", received),
        ("Vera Holm", "Navet", "NAVET_20261130.XML", received),
    ]
    assert (
        TimelineEntry.objects.filter(
            youth__personnummer=number,
            kind="guardian",
            summary="Vårdnadshavare enligt folkbokföringen (Navet, fil NAVET_20261130.XML)",
        ).count()
        == 2
    )


def test_a_guardian_added_later_carries_the_later_delivery(municipality, coordinator):
    youth = youth_make(
        municipality=municipality,
        birth_date=born_aged(17, TODAY),
        address="Storgatan 1",
        postal_code="69630",
        city="Askersund",
    )
    guardian_add(youth=youth, actor=coordinator, name="Vera Holm")
    _navet(municipality, post(youth.personnummer, guardians=("Vera Holm",)))
    later = _navet(
        municipality,
        post(youth.personnummer, guardians=("Vera Holm", "Ole Holm")),
        filename="AVISERING_1201.XML",
    )
    assert _approve_all(municipality, coordinator) == 1
    rows = dict(Guardian.objects.filter(youth=youth).values_list("name", "source_file"))
    # The staff's own entry stays theirs; only the new guardian comes from the notice.
    assert rows == {"Vera Holm": "", "Ole Holm": "AVISERING_1201.XML"}
    ole = Guardian.objects.get(youth=youth, name="Ole Holm")
    assert (ole.source, ole.source_received_on) == ("Navet", timezone.localdate(later.arrived_at))


def test_the_youths_page_shows_each_guardians_source(client_for, coordinator, municipality):
    number = pnr(born_aged(17, TODAY))
    delivery = _navet(municipality, post(number, guardians=("Vera Holm",)))
    _approve_all(municipality, coordinator)
    guardian = Guardian.objects.get(name="Vera Holm")
    guardian_add(youth=guardian.youth, actor=coordinator, name="Per Personal")
    page = (
        client_for(coordinator)
        .get(reverse("youth:detail", args=[guardian.youth_id]))
        .content.decode()
    )
    received = f"{timezone.localdate(delivery.arrived_at):%Y-%m-%d}"
    assert f"Källa: Navet, fil NAVET_20261130.XML, mottagen {received}" in page
    assert page.count("Registrerad av personal") == 1


def test_a_protected_guardians_address_is_never_shown(client_for, coordinator, municipality):
    youth = youth_make(
        municipality=municipality, birth_date=born_aged(17, TODAY), address="Storgatan 1"
    )
    guardian_add(
        youth=youth,
        actor=coordinator,
        name="Gunnel Skyddad",
        phone="070-555 44 33",
        address="Vårdnadsgatan 2",
        postal_code="98766",
        city="Skyddsby",
        protected_identity=True,
        source="Navet",
        source_file="NAVET.XML",
        source_received_on=dt.date(2026, 11, 30),
    )
    client = with_reason(client_for(coordinator), youth)
    page = client.get(reverse("youth:detail", args=[youth.pk])).content.decode()
    assert "Storgatan 1" in page  # the stated reason shows what locates the youth
    assert "070-555 44 33" in page
    assert "Källa: Navet, fil NAVET.XML, mottagen 2026-11-30" in page
    for secret in ("Vårdnadsgatan 2", "98766", "Skyddsby"):
        assert secret not in page


def test_the_register_extract_lists_the_guardians_source(municipality, coordinator):
    number = pnr(born_aged(17, TODAY))
    delivery = _navet(municipality, post(number, guardians=("Vera Holm",)))
    _approve_all(municipality, coordinator)
    youth = Guardian.objects.get(name="Vera Holm").youth
    guardian_add(
        youth=youth,
        actor=coordinator,
        name="Gunnel Skyddad",
        address="Vårdnadsgatan 2",
        protected_identity=True,
    )
    sections = dict(extract_context(youth)["sections"])
    rows = [dict(record) for record in sections["Vårdnadshavare"]]
    navet_row = next(r for r in rows if r["Namn"] == "Vera Holm")
    assert (navet_row["Källa"], navet_row["Källans fil"], navet_row["Källan mottagen"]) == (
        "Navet",
        "NAVET_20261130.XML",
        f"{timezone.localdate(delivery.arrived_at):%Y-%m-%d}",
    )
    staff_row = next(r for r in rows if r["Namn"] == "Gunnel Skyddad")
    assert "Källa" not in staff_row
    assert "Vårdnadsgatan 2" not in str(sections)
