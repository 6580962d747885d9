"""The import in the UI: upload, preview, confirm with deregistration of missing youths."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import reason, youth_make
from tests.youth.test_import import HEADER, _pnr
from youth.models import ColumnMapping, ImportBatch, Youth


def _upload(client, content: bytes, name: str = "lista.csv"):
    return client.post(
        reverse("youth:import_upload"),
        {
            "file": SimpleUploadedFile(name, content),
            "reason": reason("OVRIGT").pk,
            "scope": "all",
            "start_date": timezone.localdate().isoformat(),
        },
    )


def test_upload_preview_confirm(client_for, coordinator, municipality):
    gone = youth_make(municipality=municipality, last_name="Borta")
    client = client_for(coordinator)
    content = f"{HEADER}\n{_pnr(17, 42)};Alva;Berg;;;;;;\n20080320-0014;Fel;Nr;;;;;;\n"
    response = _upload(client, content.encode())
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("youth:import_preview", args=[batch.pk])
    body = client.get(response["Location"]).content.decode()
    assert "registrera 1 ny ungdom" in body
    assert "Kontrollsiffran" in body
    assert "Borta" in body
    assert Youth.objects.count() == 1  # nothing written by the preview
    response = client.post(
        response["Location"],
        {
            "deregister": [gone.pk],
            "deregistration_reason": reason("EJ_FOLKBOKFORD_I_KOMMUNEN", "deregistration").pk,
            "end_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert Youth.objects.filter(last_name="Berg").exists()
    assert not gone.periods.filter(end_date__isnull=True).exists()
    batch.refresh_from_db()
    assert batch.applied_at is not None
    assert bytes(batch.content) == b""


def test_deregistration_needs_a_reason(client_for, coordinator, municipality):
    gone = youth_make(municipality=municipality)
    client = client_for(coordinator)
    url = _upload(client, f"{HEADER}\n{_pnr(17, 43)};Leo;Ek;;;;;;\n".encode())["Location"]
    body = client.post(url, {"deregister": [gone.pk]}).content.decode()
    assert "Välj orsak för dem som ska avregistreras." in body
    assert gone.periods.filter(end_date__isnull=True).exists()


def test_an_unreadable_file_sends_back_with_a_message(client_for, coordinator):
    client = client_for(coordinator)
    url = _upload(client, b"namn;telefon\nA;1\n")["Location"]
    response = client.get(url, follow=True)
    assert "saknar kolumnerna" in response.content.decode()


def test_a_wrong_file_type_is_refused(client_for, coordinator):
    body = _upload(client_for(coordinator), b"MZ...", name="virus.exe").content.decode()
    assert "Välj en CSV- eller xlsx-fil." in body
    assert not ImportBatch.objects.exists()


def test_a_coach_cannot_import(client_for, coach):
    assert client_for(coach).get(reverse("youth:import_upload")).status_code == 403


def test_a_coordinator_saves_a_column_mapping(client_for, coordinator, municipality):
    response = client_for(coordinator).post(
        reverse("youth:mapping_create"),
        {"name": "IST", "personnummer": "PNR", "fornamn": "FN", "efternamn": "EN"},
    )
    assert response.status_code == 302
    saved = ColumnMapping.objects.get(municipality=municipality)
    assert saved.mapping == {"personnummer": "PNR", "fornamn": "FN", "efternamn": "EN"}
