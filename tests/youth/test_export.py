"""The register export: coordinators only, audited, formula-safe, protected addresses blank."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from kaa.lib.spreadsheets import safe_cell
from kaa.models import AuditEvent
from tests.factories import youth_make


def _sheet(response):
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_a_coordinator_exports_the_list_and_each_youth_is_audited(
    client_for, coordinator, municipality
):
    youths = [youth_make(municipality=municipality) for _ in range(3)]
    response = client_for(coordinator).get(reverse("youth:export"))
    assert response["Content-Disposition"].startswith("attachment;")
    rows = _sheet(response)
    assert rows[0][0] == "Personnummer"
    assert len(rows) == 4
    exported = set(AuditEvent.objects.filter(action="export").values_list("youth_id", flat=True))
    assert exported == {y.pk for y in youths}


def test_formula_injection_is_neutralised_and_data_round_trips(
    client_for, coordinator, municipality
):
    youth_make(
        municipality=municipality,
        first_name='=HYPERLINK("http://x";"y")',
        last_name="+1+1",
        former_school="@SUM(A1)",
        address="-1+1",
    )
    row = _sheet(client_for(coordinator).get(reverse("youth:export")))[1]
    assert row[1] == '\'=HYPERLINK("http://x";"y")'
    assert row[2] == "'+1+1"
    assert row[9] == "'-1+1"
    assert row[12] == "'@SUM(A1)"
    assert safe_cell("\t=1") == "'\t=1"
    assert safe_cell(12) == 12


def test_protected_identity_addresses_are_blank(client_for, coordinator, municipality):
    youth_make(
        municipality=municipality,
        protected_identity=True,
        address="Hemliga vägen 1",
        city="Askersund",
    )
    row = _sheet(client_for(coordinator).get(reverse("youth:export")))[1]
    assert "Hemliga vägen 1" not in row
    assert row[13] == "ja"


def test_coaches_and_managers_cannot_export(client_for, coach, manager):
    assert client_for(coach).get(reverse("youth:export")).status_code == 403
    assert client_for(manager).get(reverse("youth:export")).status_code == 403


def test_another_municipality_exports_nothing_of_ours(
    client_for, stranger_coordinator, municipality
):
    youth_make(municipality=municipality, last_name="Vårunge")
    rows = _sheet(client_for(stranger_coordinator).get(reverse("youth:export")))
    assert len(rows) == 1


def test_a_restricted_record_is_not_exported(client_for, coordinator, municipality):
    from django.utils import timezone

    from youth.data_protection.services import restriction_set

    kept = youth_make(municipality=municipality, last_name="Med")
    frozen = youth_make(municipality=municipality, last_name="Begränsad")
    restriction_set(
        youth=frozen,
        actor=coordinator,
        reason="Bestrider uppgifterna",
        received_on=timezone.localdate(),
    )
    rows = _sheet(client_for(coordinator).get(reverse("youth:export")))
    names = {row[2] for row in rows[1:]}
    assert names == {"Med"}
    exported = set(AuditEvent.objects.filter(action="export").values_list("youth_id", flat=True))
    assert exported == {kept.pk}
