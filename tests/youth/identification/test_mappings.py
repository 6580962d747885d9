"""Saved column mappings for enrolment and completion lists in other layouts: saved once per
layout, offered only for their kind of list, picked on upload and on the command line; a file
whose headers still do not match is refused whole, naming the missing columns."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from youth.identification import deliveries
from youth.identification.models import CompletionRecord, EnrolmentRecord, SourceDelivery
from youth.identification.sources import SourceFileError
from youth.models import ColumnMapping

from .files import born_aged, navet, pnr, post

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
BIRTH = dt.date(2009, 5, 17)
CREATE = reverse("youth:mapping_create")
UPLOAD = reverse("youth:identification:source_upload")
IKE = {
    "personnummer": "Personnr",
    "skolenhetskod": "Skolenhet",
    "skolform": "Skolform",
    "programkod": "Program",
    "startdatum": "Start",
    "slutdatum": "Slut",
    "avbruten": "Avbrott",
}
IKE_HEADER = "Personnr;Skolenhet;Skolform;Program;Start;Slut;Avbrott"
EXAMINA = {"personnummer": "PNR", "typ": "Bevis", "datum": "Utfärdat", "utfardare": "Skola"}


def _mapping(municipality, name, kind, mapping):
    return ColumnMapping.objects.create(
        municipality=municipality, name=name, kind=kind, mapping=mapping
    )


def _csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _upload(client, content: bytes, name: str, kind: str, mapping=None, source="IKE"):
    data = {"kind": kind, "source_name": source, "file": SimpleUploadedFile(name, content)}
    if mapping is not None:
        data["mapping"] = mapping.pk
    return client.post(UPLOAD, data)


# --- Saving a mapping ---------------------------------------------------------------------


def test_a_coordinator_saves_an_enrolment_mapping(client_for, coordinator, municipality):
    client = client_for(coordinator)
    page = client.get(CREATE, {"typ": "enrolments"}).content.decode()
    assert "Ny kolumnmappning för inskrivningslistor" in page
    assert "personnummer;skolenhetskod;skolform;programkod;startdatum;slutdatum;avbruten" in page
    assert 'name="skolform"' in page
    assert 'name="fornamn"' not in page  # a register column is not offered
    response = client.post(CREATE, {"kind": "enrolments", "name": "IKE Örebro", **IKE})
    assert response["Location"] == reverse("youth:identification:queue")
    saved = ColumnMapping.objects.get(municipality=municipality)
    assert (saved.kind, saved.name, saved.mapping) == ("enrolments", "IKE Örebro", IKE)


def test_a_completion_mapping_leaves_out_the_columns_already_named_as_standard(
    client_for, coordinator, municipality
):
    client = client_for(coordinator)
    page = client.get(CREATE, {"typ": "completions"}).content.decode()
    assert 'name="utfardare"' in page
    assert 'name="skolform"' not in page
    response = client.post(
        CREATE,
        {
            "kind": "completions",
            "name": "Examina",
            "typ": "Bevis",
            "datum": "Utfärdat",
            "skolform": "X",
        },
    )
    assert response.status_code == 302
    saved = ColumnMapping.objects.get()
    # Only the kind's own columns are kept; blank ones are read under their standard name.
    assert (saved.kind, saved.mapping) == ("completions", {"typ": "Bevis", "datum": "Utfärdat"})


def test_an_existing_register_mapping_stays_a_register_mapping(
    client_for, coordinator, municipality
):
    response = client_for(coordinator).post(
        CREATE, {"name": "IST", "personnummer": "PNR", "fornamn": "FN", "efternamn": "EN"}
    )
    assert response["Location"] == reverse("youth:import_upload")
    assert ColumnMapping.objects.get().kind == "register"
    assert ColumnMapping(municipality=municipality, name="x").kind == "register"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"startdatum": "Datum", "slutdatum": "datum"},
            "slutdatum",
            "Rubriken \u201ddatum\u201d är redan angiven för startdatum.",
        ),
        (
            {"startdatum": "slutdatum"},
            "startdatum",
            "\u201dslutdatum\u201d är standardnamnet på kolumnen slutdatum. Ange också vilken "
            "rubrik slutdatum har i filen",
        ),
        ({}, None, "Ange rubriken i filen för minst en kolumn"),
    ],
    ids=["one-header-twice", "another-columns-standard-name", "nothing-entered"],
)
def test_an_unusable_mapping_is_refused_and_nothing_typed_is_lost(
    client_for, coordinator, fields, field, message
):
    response = client_for(coordinator).post(
        CREATE,
        {"kind": "enrolments", "name": "Regional databas", "personnummer": "Personnr", **fields}
        if fields
        else {"kind": "enrolments", "name": "Regional databas"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body.replace("&quot;", '"')
    assert 'value="Regional databas"' in body
    for value in fields.values():
        assert f'value="{value}"' in body
    if fields:
        assert 'value="Personnr"' in body
    form = response.context["form"]
    assert message.split(".")[0] in " ".join(form.errors.get(field or "__all__", []))
    assert not ColumnMapping.objects.exists()


def test_a_name_is_used_once_in_the_municipality(client_for, coordinator, municipality):
    _mapping(municipality, "IKE", "register", {"personnummer": "PNR"})
    response = client_for(coordinator).post(CREATE, {"kind": "enrolments", "name": "IKE", **IKE})
    assert "Det finns redan en mappning med det namnet." in response.content.decode()
    assert ColumnMapping.objects.count() == 1


# --- Picking a mapping on upload ----------------------------------------------------------


def test_each_upload_offers_only_the_mappings_of_its_kind(client_for, coordinator, municipality):
    _mapping(municipality, "IST-listan", "register", {"personnummer": "PNR"})
    _mapping(municipality, "IKE-listan", "enrolments", IKE)
    _mapping(municipality, "Examenslistan", "completions", EXAMINA)
    client = client_for(coordinator)
    register_page = client.get(reverse("youth:import_upload")).content.decode()
    assert "IST-listan" in register_page
    assert "IKE-listan" not in register_page
    assert "Examenslistan" not in register_page
    queue = client.get(reverse("youth:identification:queue")).content.decode()
    assert "IKE-listan (inskrivningslista)" in queue
    assert "Examenslistan (examenslista)" in queue
    assert "IST-listan" not in queue
    assert f"{CREATE}?typ=enrolments" in queue


def test_an_enrolment_list_in_another_layout_is_read_through_its_mapping(
    client_for, coordinator, municipality
):
    ike = _mapping(municipality, "IKE", "enrolments", IKE)
    a, b = pnr(BIRTH), pnr(BIRTH)
    content = _csv(
        IKE_HEADER,
        f"{a};123;GY;NA;2025-08-18;;N",
        f"{b};123;XX;;2025-08-18;;N",
        f"{b};123;KOMVUX;;2026-01-10;;N",
    )
    response = _upload(client_for(coordinator), content, "ike.csv", "enrolment", ike)
    assert response.status_code == 302
    delivery = SourceDelivery.objects.get()
    assert (delivery.rows_stored, delivery.error_count) == (2, 1)
    assert delivery.errors[0]["row"] == 3  # the row number in the file, header = row 1
    assert "Okänd skolform XX" in delivery.errors[0]["message"]
    assert sorted(EnrolmentRecord.objects.values_list("school_type", flat=True)) == [
        "GY",
        "KOMVUX",
    ]


def test_a_completion_list_as_xlsx_is_read_through_its_mapping(
    client_for, coordinator, municipality
):
    examina = _mapping(municipality, "Examina", "completions", EXAMINA)
    book = Workbook()
    sheet = book.active
    sheet.append(["PNR", "Bevis", "Utfärdat", "Skola"])
    sheet.append([pnr(BIRTH), "gymnasieexamen", dt.date(2026, 6, 12), "Alléskolan"])
    sheet.append([pnr(BIRTH), "diplom", dt.date(2026, 6, 12), "X"])
    content = io.BytesIO()
    book.save(content)
    response = _upload(
        client_for(coordinator),
        content.getvalue(),
        "examina.xlsx",
        "completion",
        examina,
        source="Alléskolan",
    )
    assert response.status_code == 302
    assert list(CompletionRecord.objects.values_list("kind", "date", "issuer")) == [
        ("gymnasieexamen", dt.date(2026, 6, 12), "Alléskolan")
    ]
    assert [e["row"] for e in SourceDelivery.objects.get().errors] == [3]


def test_a_file_that_still_does_not_match_is_refused_whole(client_for, coordinator, municipality):
    ike = _mapping(municipality, "IKE", "enrolments", IKE)
    kept = pnr(BIRTH)
    deliveries.enrolments_store(
        municipality=municipality,
        source_name="IKE",
        filename="ike.csv",
        actor=None,
        mapping=IKE,
        stream=io.BytesIO(_csv(IKE_HEADER, f"{kept};1;GY;NA;2025-08-18;;N")),
    )
    other_layout = _csv("Personnr;Skolenhet;Skolform;Startdag", f"{pnr(BIRTH)};1;GY;2025-08-18")
    response = _upload(client_for(coordinator), other_layout, "ike.csv", "enrolment", ike)
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        "Filen saknar kolumnerna startdatum (rubriken \u201dStart\u201d), också med den "
        "valda kolumnmappningen."
    ) in body
    assert "Ingenting sparades." in body
    assert 'value="IKE"' in body  # the source name typed is kept
    assert list(EnrolmentRecord.objects.values_list("personnummer", flat=True)) == [kept]
    assert SourceDelivery.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "filename", "message"),
    [
        (
            "completion",
            "examina.csv",
            "Kolumnmappningen IKE gäller inskrivningslistor, inte examenslistor.",
        ),
        (
            "population",
            "befolkning.csv",
            "Kolumnmappningen IKE gäller inskrivningslistor, inte folkbokföringsfiler.",
        ),
        ("enrolment", "persons.json", "En kolumnmappning gäller CSV- och xlsx-filer"),
    ],
    ids=["other-kind", "population", "ss12000-json"],
)
def test_a_mapping_of_another_kind_is_refused_on_upload(
    client_for, coordinator, municipality, kind, filename, message
):
    ike = _mapping(municipality, "IKE", "enrolments", IKE)
    response = _upload(client_for(coordinator), _csv(IKE_HEADER), filename, kind, ike)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SourceDelivery.objects.exists()


def test_another_municipalitys_mapping_cannot_be_picked(
    client_for, coordinator, other_municipality
):
    theirs = _mapping(other_municipality, "IKE", "enrolments", IKE)
    response = _upload(client_for(coordinator), _csv(IKE_HEADER), "ike.csv", "enrolment", theirs)
    assert response.status_code == 400
    assert not SourceDelivery.objects.exists()


def test_the_reader_names_the_mapped_header_it_did_not_find():
    from youth.identification.sources.schools import read_completions

    with pytest.raises(
        SourceFileError,
        match="typ \\(rubriken \u201dBevis\u201d\\), datum \\(rubriken \u201dUtfärdat\u201d\\)",
    ):
        list(read_completions(io.BytesIO(_csv("PNR;Typ;Datum", "x;y;z")), "e.csv", EXAMINA))


# --- The command line ---------------------------------------------------------------------


def _identify(*args: str) -> list[str]:
    out = io.StringIO()
    call_command(
        "identify", "--municipality", "1882", "--on", TODAY.isoformat(), *args, stdout=out
    )
    return out.getvalue().splitlines()


@pytest.fixture
def files(tmp_path, municipality):
    studying, done = pnr(born_aged(17, TODAY)), pnr(born_aged(18, TODAY))
    population = tmp_path / "navet.xml"
    population.write_bytes(navet(post(studying), post(done)))
    enrolments = tmp_path / "ike.csv"
    enrolments.write_bytes(
        _csv(
            IKE_HEADER,
            f"{studying};1;GY;NA;{TODAY - dt.timedelta(days=9)};;N",
            f"{studying};1;XX;;2025-01-01;;N",
        )
    )
    completions = tmp_path / "examina.csv"
    completions.write_bytes(
        _csv(
            "PNR;Bevis;Utfärdat;Skola", f"{done};gymnasieexamen;{TODAY - dt.timedelta(days=30)};A"
        )
    )
    _mapping(municipality, "IKE", "enrolments", IKE)
    _mapping(municipality, "Examina", "completions", EXAMINA)
    _mapping(municipality, "IST", "register", {"personnummer": "PNR"})
    return {
        "population": str(population),
        "enrolments": str(enrolments),
        "completions": str(completions),
    }


def test_the_command_applies_the_named_mappings_to_their_kind(files):
    lines = _identify(
        "--population",
        files["population"],
        "--enrolments",
        files["enrolments"],
        "--completions",
        files["completions"],
        "--mapping",
        "IKE",
        "--mapping",
        "Examina",
    )
    assert lines[-1] == "in_group=0 new=0 leaving=0 changed=0 unchanged=0 errors=1"
    assert any(line.startswith("ike.csv row 3: Okänd skolform") for line in lines)
    assert EnrolmentRecord.objects.count() == 1
    assert CompletionRecord.objects.get().kind == "gymnasieexamen"


@pytest.mark.parametrize(
    ("mappings", "message"),
    [
        (["Okänd"], "Unknown column mapping: Okänd"),
        (["IST"], "Column mapping IST is for register lists"),
        (["IKE", "IKE"], "More than one column mapping for enrolments lists"),
    ],
    ids=["unknown", "register", "twice"],
)
def test_the_command_refuses_a_mapping_it_cannot_use(files, mappings, message):
    args = [arg for name in mappings for arg in ("--mapping", name)]
    with pytest.raises(CommandError, match=message):
        _identify("--population", files["population"], "--enrolments", files["enrolments"], *args)
    assert not SourceDelivery.objects.exists()


def test_the_command_refuses_a_file_that_still_does_not_match(files):
    with pytest.raises(
        CommandError,
        match="ike.csv: the file cannot be read: Filen saknar "
        "kolumnerna personnummer \\(rubriken \u201dPNR",
    ):
        _identify(
            "--population",
            files["population"],
            "--completions",
            files["enrolments"],
            "--mapping",
            "Examina",
        )
    assert not SourceDelivery.objects.exists()


def test_the_register_import_takes_register_mappings_only(files, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_bytes(_csv("Personnr;fornamn;efternamn", f"{pnr(BIRTH)};Alva;Berg"))
    with pytest.raises(
        CommandError, match="Column mapping IKE is for enrolments lists, not for the register list"
    ):
        call_command("import_register", str(path), municipality="1882", mapping="IKE")
