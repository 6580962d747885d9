"""A saved SS 12000 `GET /persons` answer is read as a stream: memory stays bounded however
large the file, row errors keep the person's position, and a file that cannot be read is
refused whole with nothing stored."""

from __future__ import annotations

import datetime as dt
import io
import json
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demo.youths import personnummer_for
from youth.identification import deliveries
from youth.identification.models import EnrolmentRecord, SourceDelivery
from youth.identification.sources import EnrolmentRow, ParsedError, SourceFileError
from youth.identification.sources.schools import read_ss12000_file, ss12000_persons

from .files import pnr, ss12000, ss_enrolment, ss_person

BIRTH = dt.date(2009, 5, 17)


def _persons_file(path, count: int) -> int:
    """`count` persons with two enrolments each, written one at a time; returns the size."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{"data": [')
        for i in range(count):
            number = personnummer_for(BIRTH + dt.timedelta(days=i // 900), 100 + i % 900)
            person = ss_person(
                number,
                ss_enrolment("GR", "2016-08-15", "2025-06-10"),
                ss_enrolment("GY", "2025-08-18", code="NA"),
            )
            out.write(("," if i else "") + json.dumps(person))
        out.write('], "pageToken": null}')
    return path.stat().st_size


def _peak(path) -> tuple[int, int]:
    """(persons read, tracemalloc's peak) while the file's persons are parsed."""
    with path.open("rb") as stream:
        tracemalloc.start()
        try:
            persons = sum(1 for _person in ss12000_persons(stream))
            return persons, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_a_large_saved_answer_is_parsed_in_bounded_memory(tmp_path):
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    _persons_file(small, 2_000)
    size = _persons_file(large, 20_000)
    assert size > 10_000_000
    small_count, small_peak = _peak(small)
    large_count, large_peak = _peak(large)
    assert (small_count, large_count) == (2_000, 20_000)
    # Reading the file whole would take at least its size; the stream holds a read buffer's
    # worth of parser events and one person, the same for ten times the persons.
    assert large_peak < size / 8, (large_peak, size)
    assert large_peak < small_peak * 1.5, (small_peak, large_peak)
    with large.open("rb") as stream:
        rows = [item for item in read_ss12000_file(stream)]
    assert len(rows) == 40_000
    assert not any(isinstance(row, ParsedError) for row in rows)
    assert rows[-1].position == 20_000


def _read(content: bytes) -> list[EnrolmentRow | ParsedError]:
    return list(read_ss12000_file(io.BytesIO(content)))


def test_row_errors_keep_the_persons_position_and_other_members_are_skipped():
    good = pnr(BIRTH)
    content = json.dumps(
        {
            "meta": {"data": [1, 2]},
            "data": [
                ss_person(good, ss_enrolment("GY", "2025-08-18")),
                7,
                None,
                {"id": "x", "civicNo": {"value": "123"}},
                ss_person(good, {"schoolType": "XX", "startDate": "2025-08-18"}),
                ss_person(good, ss_enrolment("KOMVUX", "2026-01-10")),
            ],
            "pageToken": "nästa",
        }
    ).encode()
    items = _read(content)
    assert [(i.position, type(i).__name__) for i in items] == [
        (1, "EnrolmentRow"),
        (2, "ParsedError"),
        (3, "ParsedError"),
        (4, "ParsedError"),
        (5, "ParsedError"),
        (6, "EnrolmentRow"),
    ]
    assert items[1].message == "Personen är inget JSON-objekt."
    assert "Okänd skolform XX" in items[4].message


def test_a_plain_list_of_persons_and_a_byte_order_mark_are_read():
    number = pnr(BIRTH)
    listed = json.dumps([ss_person(number, ss_enrolment("GY", "2025-08-18"))]).encode()
    assert [r.personnummer for r in _read(listed)] == [number]
    assert [r.personnummer for r in _read(b"\xef\xbb\xbf" + listed)] == [number]
    assert _read(json.dumps({"data": [], "pageToken": None}).encode()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Filen är tom."),
        (b'{"pageToken": null}', 'listan "data" saknas'),
        (b'{"data": {"civicNo": {}}}', 'listan "data" saknas'),
        (b'"persons"', 'listan "data" saknas'),
        (b"not json", "JSON-filen kunde inte läsas efter person 0"),
        (b'{"data": [[], 1], "pageToken": ', "JSON-filen kunde inte läsas efter person 2"),
        ('[{"x": 1}]'.encode("utf-16"), "UTF-16"),
        (b'{"data": [{"civicNo": {"value": "\xff"}}]}', "JSON-filen kunde inte läsas"),
    ],
    ids=[
        "empty",
        "no-data",
        "data-not-a-list",
        "scalar",
        "not-json",
        "cut-after-the-persons",
        "utf16",
        "bad-utf8",
    ],
)
def test_a_file_that_is_not_an_answer_is_refused_with_a_message(content, message):
    with pytest.raises(SourceFileError, match=message) as refused:
        _read(content)
    assert "Ingenting sparades" in str(refused.value) or content == b""


def test_the_parsers_complaint_does_not_quote_the_file():
    content = json.dumps({"data": [ss_person("200905172384")]}).encode()[:-3] + b"}"
    with pytest.raises(SourceFileError) as refused:
        _read(content)
    assert "200905172384" not in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_file_broken_after_several_batches_stores_nothing(municipality, tmp_path):
    kept = pnr(BIRTH)
    deliveries.enrolments_store(
        municipality=municipality,
        source_name="SS12000",
        filename="persons.json",
        actor=None,
        stream=io.BytesIO(ss12000([ss_person(kept, ss_enrolment("GY", "2025-08-18"))])),
    )
    path = tmp_path / "persons.json"
    _persons_file(path, 3_000)  # 6,000 enrolments: three batches before the break
    broken = path.read_bytes()[:-200]
    with pytest.raises(SourceFileError, match="efter person 2999 "):
        deliveries.enrolments_store(
            municipality=municipality,
            source_name="SS12000",
            filename="persons.json",
            actor=None,
            stream=io.BytesIO(broken),
        )
    assert list(EnrolmentRecord.objects.values_list("personnummer", flat=True)) == [kept]
    assert SourceDelivery.objects.count() == 1


def test_the_page_refuses_a_broken_json_file_with_the_reason(
    client_for, coordinator, municipality
):
    response = client_for(coordinator).post(
        reverse("youth:identification:source_upload"),
        {
            "kind": "enrolment",
            "source_name": "SS12000",
            "file": SimpleUploadedFile("persons.json", b'{"data": [{"civicNo": '),
        },
    )
    assert response.status_code == 400
    assert "JSON-filen kunde inte läsas efter person 0" in response.content.decode()
    assert not SourceDelivery.objects.exists()
