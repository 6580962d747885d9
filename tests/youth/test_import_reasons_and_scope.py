"""The register import as a coordinator uses it: a reason per row from the file (else one
chosen), a partial list that offers nobody for deregistration, errors naming column and
value, changes shown old → new, the result in Swedish sentences, mapping labels in Swedish."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import reason, youth_make
from tests.youth.test_import import HEADER, _csv, _pnr
from youth.importing.forms import ColumnMappingForm
from youth.importing.services import import_apply, import_plan
from youth.models import ImportBatch, KaaPeriod


def _upload(client, content: bytes, **data):
    fields = {
        "file": SimpleUploadedFile("lista.csv", content),
        "start_date": timezone.localdate().isoformat(),
    }
    fields.update(data)
    return client.post(reverse("youth:import_upload"), fields)


def test_each_row_takes_its_reason_from_the_file_else_the_chosen_one(municipality, coach):
    header = HEADER + ";registreringsorsak"
    by_code, by_name, empty = _pnr(17, 960), _pnr(17, 961), _pnr(17, 962)
    raw = _csv(
        f"{by_code};Alva;Berg;;;;;;;AVBROTT_NATIONELLT",
        f"{by_name};Bo;Berg;;;;;;;slutfört gymnasieskolan med studiebevis",
        f"{empty};Cia;Berg;;;;;;;",
        f"{_pnr(17, 963)};Dan;Berg;;;;;;;Flyttade hit",
        header=header,
    )
    plan = import_plan(raw=raw, filename="x.csv", municipality=municipality)
    [error] = plan.errors
    assert (error.row, error.column_name, error.value) == (5, "Registreringsorsak", "Flyttade hit")
    assert "finns inte" in error.message
    assert plan.without_reason() == 1
    import_apply(plan=plan, municipality=municipality, reason=reason("OVRIGT"), actor=coach)
    reasons = dict(KaaPeriod.objects.values_list("youth__pnr_short", "registration_reason__code"))
    assert reasons == {
        by_code[2:]: "AVBROTT_NATIONELLT",
        by_name[2:]: "STUDIEBEVIS",
        empty[2:]: "OVRIGT",
    }


def test_the_reason_is_asked_for_only_when_the_file_gives_none(client_for, coordinator):
    client = client_for(coordinator)
    plain = f"{HEADER}\n{_pnr(17, 964)};Alva;Berg;;;;;;\n".encode()
    body = _upload(client, plain, scope="all").content.decode()
    assert "Välj registreringsorsak. Filen har ingen kolumn registreringsorsak" in body
    # Nothing chosen for the user: neither the reason nor what the list covers.
    blank = client.get(reverse("youth:import_upload")).content.decode()
    assert "checked" not in blank
    assert 'value="" selected' in blank
    with_column = (
        f"{HEADER};registreringsorsak\n{_pnr(17, 965)};Alva;Berg;;;;;;;ALDRIG_GYMNASIAL\n"
    )
    response = _upload(client, with_column.encode(), scope="all")
    assert response.status_code == 302
    # A row without a reason of its own, and none chosen: the preview says so and applies
    # nothing.
    gap = f"{HEADER};registreringsorsak\n{_pnr(17, 966)};Bo;Berg;;;;;;;\n"
    url = _upload(client, gap.encode(), scope="all")["Location"]
    body = client.get(url).content.decode()
    assert "1 rad saknar registreringsorsak" in body
    client.post(url, {})
    assert ImportBatch.objects.get(pk=int(url.split("/")[-2])).applied_at is None


def test_a_partial_list_offers_nobody_for_deregistration(client_for, coordinator, municipality):
    for n in range(5):
        youth_make(municipality=municipality, last_name=f"Kvar{n}")
    client = client_for(coordinator)
    content = f"{HEADER}\n{_pnr(17, 967)};Alva;Berg;;;;;;\n".encode()
    url = _upload(client, content, scope="partial", reason=reason("OVRIGT").pk)["Location"]
    body = client.get(url).content.decode()
    assert "Kvar0" not in body
    assert "ingen erbjuds avregistrering" in body
    response = client.post(url, {}, follow=True)
    text = response.content.decode()
    assert "Importen är klar. 1 ungdom fick en ny KAA-period. 0 ungdomar avregistrerades." in text
    assert "new=" not in text
    assert KaaPeriod.objects.filter(end_date__isnull=True).count() == 6
    # The whole register: the five are offered.
    url = _upload(client, content, scope="all", reason=reason("OVRIGT").pk)["Location"]
    assert "Kvar0" in client.get(url).content.decode()


def test_the_preview_shows_changes_old_to_new_and_errors_by_column(
    client_for, coordinator, municipality
):
    moved = youth_make(municipality=municipality, address="Gamla vägen 1", phone="070-1")
    client = client_for(coordinator)
    content = (
        f"{HEADER}\n"
        f"{moved.personnummer};{moved.first_name};{moved.last_name};Nya vägen 2;;;070-2;;\n"
        f"{_pnr(17, 968)};Alva;Berg;;;;;inte-en-adress;\n"
    )
    url = _upload(client, content.encode(), scope="partial", reason=reason("OVRIGT").pk)
    body = client.get(url["Location"]).content.decode()
    assert "Adress: Gamla vägen 1 → Nya vägen 2" in body
    assert "Telefon: 070-1 → 070-2" in body
    assert "<td>E-post</td><td><code>inte-en-adress</code></td>" in body


def test_the_column_mapping_form_names_columns_in_swedish(municipality):
    form = ColumnMappingForm(municipality=municipality)
    assert form.fields["fornamn"].label == "Rubrik i filen för Förnamn"
    assert form.fields["avlamnande_skola"].label == "Rubrik i filen för Avlämnande skola"
    assert form.fields["registreringsorsak"].label == "Rubrik i filen för Registreringsorsak"
    assert "Krävs" in str(form.fields["personnummer"].help_text)
