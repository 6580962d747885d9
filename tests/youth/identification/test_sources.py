"""Reading and storing the sources: Navet XML (full extract and change notices), the CSV
fallback, enrolment lists, SS 12000 files and completions; row errors, unreadable and hostile
files."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import tracemalloc

import pytest
from openpyxl import Workbook

from youth.identification import deliveries
from youth.identification.models import (
    CompletionRecord,
    EnrolmentRecord,
    PopulationRecord,
    SourceDelivery,
)
from youth.identification.sources import SourceFileError

from .files import (
    COMPLETION_HEADER,
    ENROLMENT_HEADER,
    POPULATION_HEADER,
    csv_file,
    navet,
    pnr,
    post,
    ss12000,
    ss_enrolment,
    ss_person,
)

BIRTH = dt.date(2009, 5, 17)


def _store(municipality, content: bytes, filename: str = "navet.xml", **kwargs):
    return deliveries.population_store(
        municipality=municipality,
        stream=io.BytesIO(content),
        filename=filename,
        actor=None,
        **kwargs,
    )


def test_it_reads_a_full_extract_with_guardians_and_the_header(municipality):
    number, guarded = pnr(BIRTH), pnr(BIRTH)
    delivery = _store(
        municipality,
        navet(
            post(number, first="Alva", last="Berg"),
            post(guarded, guardians=("Vera Berg", "Ole Berg")),
        ),
    )
    assert (delivery.format, delivery.rows_read, delivery.rows_stored) == ("navet_full", 2, 2)
    assert delivery.effective_date == dt.date(2026, 11, 30)
    record = PopulationRecord.objects.get(personnummer=number)
    assert (record.first_name, record.last_name, record.municipality_code) == (
        "Alva",
        "Berg",
        "1882",
    )
    assert (record.address, record.postal_code, record.city) == (
        "Storgatan 1",
        "69630",
        "Askersund",
    )
    assert record.registered_on == dt.date(2010, 1, 1)
    assert record.past_compulsory_on == dt.date(2025, 7, 1)
    assert [g["name"] for g in PopulationRecord.objects.get(personnummer=guarded).guardians] == [
        "Vera Berg",
        "Ole Berg",
    ]


def test_it_tolerates_unknown_elements(municipality):
    number = pnr(BIRTH)
    content = navet(
        post(number, extra="<Kontaktuppgift2026><Epost>a@b.se</Epost></Kontaktuppgift2026>")
    )
    content = content.replace(b"<Personpost>", b"<Nyhet>1</Nyhet><Personpost>")
    delivery = _store(municipality, content)
    assert delivery.error_count == 0
    assert PopulationRecord.objects.filter(personnummer=number).exists()


def test_a_protected_identity_never_gets_an_address(municipality):
    number = pnr(BIRTH)
    content = navet(post(number, protected=True, address="")).replace(b"</Namn>", b"</Namn>", 1)
    content = content.replace(
        b"<Folkbokforing>",
        b"<Adresser><Folkbokforingsadress><Utdelningsadress2>Hemlig 1"
        b"</Utdelningsadress2><PostNr>11111</PostNr><Postort>X</Postort>"
        b"</Folkbokforingsadress></Adresser><Folkbokforing>",
    )
    _store(municipality, content)
    record = PopulationRecord.objects.get(personnummer=number)
    assert record.protected
    assert (record.address, record.postal_code, record.city) == ("", "", "")


def test_change_notices_update_the_store_and_a_full_extract_replaces_it(municipality):
    a, b, c = pnr(BIRTH), pnr(BIRTH), pnr(BIRTH)
    _store(municipality, navet(post(a), post(b)))
    delivery = _store(
        municipality, navet(post(b, county="01", kommun="82"), post(c), order="Andringsavisering")
    )
    assert delivery.format == "navet_changes"
    codes = dict(PopulationRecord.objects.values_list("personnummer", "municipality_code"))
    assert codes == {a: "1882", b: "0182", c: "1882"}
    _store(municipality, navet(post(a)))
    assert list(PopulationRecord.objects.values_list("personnummer", flat=True)) == [a]
    assert SourceDelivery.objects.filter(source__municipality=municipality).count() == 3


def test_a_row_error_names_the_element_position_and_the_other_rows_are_stored(municipality):
    good, later = pnr(BIRTH), pnr(BIRTH)
    delivery = _store(municipality, navet(post(good), post("200905171111"), post(later)))
    assert delivery.error_count == 1
    assert delivery.errors[0]["row"] == 2
    assert "Kontrollsiffran" in delivery.errors[0]["message"]
    assert set(PopulationRecord.objects.values_list("personnummer", flat=True)) == {good, later}


@pytest.mark.parametrize(
    "content",
    [
        b"<Navetavisering><Folkbokforingsposter><Folkbokforingspost>",  # cut off
        b"not xml at all",
        b"",
        b"<?xml version='1.0'?><Annat/>",
    ],
)
def test_an_unreadable_file_is_refused_whole_and_nothing_is_stored(municipality, content):
    kept = pnr(BIRTH)
    _store(municipality, navet(post(kept)))
    body = navet(post(pnr(BIRTH)), post(pnr(BIRTH))) if content == b"" else content
    if content == b"":  # a good start and a broken end: the rows already read are undone
        body = body.replace(b"</Folkbokforingsposter></Navetavisering>", b"<Folkbok")
    with pytest.raises(SourceFileError):
        _store(municipality, body)
    assert list(PopulationRecord.objects.values_list("personnummer", flat=True)) == [kept]
    assert SourceDelivery.objects.count() == 1


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE Navetavisering [<!ENTITY a "ha">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
    b"]><Navetavisering><Folkbokforingsposter><Folkbokforingspost><Personpost><Namn>"
    b"<Fornamn>&c;</Fornamn></Namn></Personpost></Folkbokforingspost>"
    b"</Folkbokforingsposter></Navetavisering>"
)
EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE Navetavisering [<!ENTITY x SYSTEM '
    b'"file:///etc/passwd">]><Navetavisering><Folkbokforingsposter>&x;'
    b"</Folkbokforingsposter></Navetavisering>"
)


@pytest.mark.parametrize("content", [LAUGHS, EXTERNAL], ids=["entity-expansion", "external"])
def test_a_hostile_file_is_refused(municipality, content):
    with pytest.raises(SourceFileError, match="dokumenttypdeklaration"):
        _store(municipality, content)
    assert not PopulationRecord.objects.exists()


class _Posts(io.RawIOBase):
    """A large Navet file produced as it is read (never whole in memory)."""

    def __init__(self, count: int) -> None:
        self.chunks = itertools.chain(
            [b"<Navetavisering><Folkbokforingsposter>"],
            (post(pnr(BIRTH + dt.timedelta(days=i // 400))).encode() for i in range(count)),
            [b"</Folkbokforingsposter></Navetavisering>"],
        )
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while len(self.buffer) < len(target):
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.buffer += chunk
        size = min(len(target), len(self.buffer))
        target[:size], self.buffer = self.buffer[:size], self.buffer[size:]
        return size

    def seek(self, *args) -> int:  # only the initial peek rewinds
        return 0

    def read(self, size: int = -1) -> bytes:
        if size == 256:  # the format sniff
            return b"<Navetavisering>"
        return super().read(size)


def _peak(municipality, count: int) -> int:
    tracemalloc.start()
    try:
        delivery = deliveries.population_store(
            municipality=municipality,
            stream=_Posts(count),
            filename="stor.xml",
            actor=None,
            full=False,
        )
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        assert delivery.rows_stored == count


def test_a_large_file_is_streamed_in_bounded_memory(municipality):
    small = _peak(municipality, 2000)
    large = _peak(municipality, 6000)
    assert large < small * 2, (small, large)


def test_the_csv_fallback_with_its_exact_header(municipality):
    a, hidden, bad = pnr(BIRTH), pnr(BIRTH), pnr(BIRTH)
    content = csv_file(
        POPULATION_HEADER,
        f"{a};Alva;Berg;1882;2010-01-01;N;N;;;Storgatan 1;69630;Askersund",
        f"{hidden};Sam;Ek;1882;20100101;J;J;;;Hemlig 1;11111;X",
        f"{bad};Bo;Al;1882;;N;kanske;;;;;",
    )
    delivery = deliveries.population_store(
        municipality=municipality, stream=content, filename="befolkning.csv", actor=None
    )
    assert delivery.format == "population_csv"
    assert delivery.errors == [
        {"row": 4, "message": "Kolumnen skyddad_folkbokforing ska vara J eller N."}
    ]
    protected = PopulationRecord.objects.get(personnummer=hidden)
    assert (protected.protected, protected.secrecy, protected.address) == (True, True, "")
    assert PopulationRecord.objects.get(personnummer=a).city == "Askersund"


def test_a_csv_without_the_required_columns_is_refused(municipality):
    with pytest.raises(SourceFileError, match="kommunkod"):
        deliveries.population_store(
            municipality=municipality,
            stream=csv_file("personnummer;namn", "x;y"),
            filename="fel.csv",
            actor=None,
        )
    assert not SourceDelivery.objects.exists()


def test_an_enrolment_list_replaces_the_sources_previous_snapshot(municipality):
    a, b = pnr(BIRTH), pnr(BIRTH)
    deliveries.enrolments_store(
        municipality=municipality,
        source_name="Örebro",
        filename="orebro.csv",
        actor=None,
        stream=csv_file(ENROLMENT_HEADER, f"{a};12345678;GY;NA;2025-08-18;;N"),
    )
    delivery = deliveries.enrolments_store(
        municipality=municipality,
        source_name="Örebro",
        filename="orebro.csv",
        actor=None,
        stream=csv_file(
            ENROLMENT_HEADER,
            f"{b};12345678;gys;;2025-08-18;2026-06-10;J",
            f"{a};12345678;XX;;2025-08-18;;N",
            f"{a};12345678;GY;;2025-08-18;2024-01-01;N",
        ),
    )
    assert [e["row"] for e in delivery.errors] == [3, 4]
    assert "Okänd skolform" in delivery.errors[0]["message"]
    rows = list(EnrolmentRecord.objects.values_list("personnummer", "school_type", "cancelled"))
    assert rows == [(b, "GYS", True)]


def test_an_enrolment_list_as_xlsx(municipality):
    a = pnr(BIRTH)
    book = Workbook()
    book.active.append(ENROLMENT_HEADER.split(";"))
    book.active.append([a, "12345678", "KOMVUX", "", dt.date(2026, 1, 10), None, "N"])
    content = io.BytesIO()
    book.save(content)
    content.seek(0)
    delivery = deliveries.enrolments_store(
        municipality=municipality,
        source_name="Komvux",
        filename="komvux.xlsx",
        stream=content,
        actor=None,
    )
    assert delivery.rows_stored == 1
    record = EnrolmentRecord.objects.get()
    assert (record.school_type, record.start_date) == ("KOMVUX", dt.date(2026, 1, 10))


def test_a_saved_ss12000_answer(municipality):
    a, b = pnr(BIRTH), pnr(BIRTH)
    content = ss12000(
        [
            ss_person(
                a,
                ss_enrolment("GR", "2016-08-15", "2025-06-10"),
                ss_enrolment("GY", "2025-08-18", code="IMA"),
            ),
            {"id": "x", "civicNo": {"value": "123"}},
            ss_person(b, {"schoolType": "GY"}),
        ]
    )
    delivery = deliveries.enrolments_store(
        municipality=municipality,
        source_name="SS12000",
        filename="persons.json",
        actor=None,
        stream=io.BytesIO(content),
    )
    assert delivery.format == "ss12000_file"
    assert [e["row"] for e in delivery.errors] == [2, 3]
    assert list(
        EnrolmentRecord.objects.order_by("start_date").values_list(
            "school_type", "programme", "school_unit"
        )
    ) == [("GR", "NA", "Alléskolan"), ("GY", "IMA", "Alléskolan")]


def test_completions_with_row_errors(municipality):
    a = pnr(BIRTH)
    delivery = deliveries.completions_store(
        municipality=municipality,
        source_name="Examina",
        filename="examina.csv",
        actor=None,
        stream=csv_file(
            COMPLETION_HEADER,
            f"{a};gymnasieexamen;2026-06-12;Alléskolan",
            f"{a};diplom;2026-06-12;X",
            f"{a};studiebevis;;X",
        ),
    )
    assert [e["row"] for e in delivery.errors] == [3, 4]
    assert list(CompletionRecord.objects.values_list("kind", "issuer")) == [
        ("gymnasieexamen", "Alléskolan")
    ]


def test_a_sekretessmarkering_alone_protects_the_person_and_withholds_the_address(municipality):
    """A marking does not say which data is sensitive: like skyddad folkbokföring, it flags
    the person (skyddade personuppgifter) and no address is kept, from XML and from CSV."""
    marked, csv_marked = pnr(BIRTH), pnr(BIRTH)
    _store(municipality, navet(post(marked, secrecy=True, address="Storgatan 1")))
    deliveries.population_store(
        municipality=municipality,
        filename="befolkning.csv",
        actor=None,
        full=False,
        stream=csv_file(
            POPULATION_HEADER, f"{csv_marked};Sam;Ek;1882;2010-01-01;J;N;;;Hemlig 1;11111;X"
        ),
    )
    for number in (marked, csv_marked):
        record = PopulationRecord.objects.get(personnummer=number)
        assert (
            record.secrecy,
            record.protected,
            record.address,
            record.postal_code,
            record.city,
        ) == (True, True, "", "", "")
