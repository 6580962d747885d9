"""The register import reads a file once, within limits: a small upload that unpacks to a huge
sheet, claims a million rows or has too many columns is refused at upload, quickly, with a
Swedish message; the preview and the import use the rows kept at upload."""

from __future__ import annotations

import contextlib
import io
import signal
import struct
import zipfile
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from tests.factories import reason
from tests.youth.test_import import HEADER, _pnr
from youth.importing import services as importing
from youth.models import ImportBatch

SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging) when the block takes longer than `seconds`."""

    def expired(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_sheet(sheet: bytes | Iterator[bytes], extra_members: int = 0) -> bytes:
    """A real xlsx whose first sheet is replaced by `sheet` (bytes or chunks)."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx([["personnummer"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info.filename, source.read(info.filename))
        with target.open(SHEET, "w") as member:
            for chunk in [sheet] if isinstance(sheet, bytes) else sheet:
                member.write(chunk)
        for number in range(extra_members):
            target.writestr(f"xl/media/extra{number}.bin", b"")
    return out.getvalue()


def _upload(client, content: bytes, name: str = "lista.xlsx"):
    return client.post(
        reverse("youth:import_upload"),
        {
            "file": SimpleUploadedFile(name, content),
            "reason": reason("OVRIGT").pk,
            "scope": "all",
            "start_date": "2026-02-03",
        },
    )


def _refused(response, message: str) -> str:
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body, body[:2000]
    assert 'value="2026-02-03"' in body  # what was entered is kept
    assert not ImportBatch.objects.exists()
    return body


def test_a_small_xlsx_that_unpacks_to_a_huge_sheet_is_refused_quickly(client_for, coordinator):
    def huge() -> Iterator[bytes]:
        yield f"<worksheet {NS}><sheetData>".encode()
        row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
        for _ in range(60 * 2**20 // len(row)):
            yield row
        yield b"</sheetData></worksheet>"

    bomb = _with_sheet(huge())
    assert len(bomb) < 1024 * 1024  # what is uploaded is small
    client = client_for(coordinator)
    # Read naively the sheet takes many minutes; the bound leaves room for a loaded machine.
    with deadline(30):
        response = _upload(client, bomb)
    _refused(response, "Excelfilen är för stor uppackad (högst 50 MB")


def test_a_sheet_that_claims_a_million_rows_is_refused_quickly(client_for, coordinator):
    """A few hundred bytes: the sheet says it spans A1:XFD1048576 and has a cell in its last
    row; read naively, that is a million rows of 16 384 cells."""
    sheet = (
        f'<worksheet {NS}><dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>personnummer</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    client = client_for(coordinator)
    # Read naively the sheet takes many minutes; the bound leaves room for a loaded machine.
    with deadline(30):
        response = _upload(client, _with_sheet(sheet))
    _refused(response, "Filen har fler än 50 000 rader.")


def test_a_csv_with_too_many_rows_is_refused(client_for, coordinator):
    rows = "\n".join(f"{_pnr(17, 1)};A;B;;;;;;" for _ in range(importing.MAX_ROWS + 1))
    response = _upload(client_for(coordinator), f"{HEADER}\n{rows}\n".encode(), "lista.csv")
    _refused(response, "Filen har fler än 50 000 rader.")


def test_as_many_rows_as_allowed_are_read(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    raw = _xlsx([["personnummer"], ["1"], ["2"], ["3"]])
    assert importing.read_rows(raw, "lista.xlsx") == [["personnummer"], ["1"], ["2"], ["3"]]
    with pytest.raises(importing.ImportFileError):
        importing.read_rows(_xlsx([["personnummer"], ["1"], ["2"], ["3"], ["4"]]), "l.xlsx")


@pytest.mark.parametrize("name", ["lista.xlsx", "lista.csv"])
def test_a_file_with_too_many_columns_is_refused(client_for, coordinator, name):
    header = [f"kolumn{n}" for n in range(importing.MAX_COLUMNS + 1)]
    content = _xlsx([header]) if name.endswith("xlsx") else (";".join(header) + "\n").encode()
    _refused(_upload(client_for(coordinator), content, name), "Filen har fler än 50 kolumner.")


def test_an_xlsx_of_too_many_parts_is_refused(client_for, coordinator):
    raw = _with_sheet(
        f"<worksheet {NS}><sheetData/></worksheet>".encode(),
        extra_members=importing.XLSX_MAX_MEMBERS,
    )
    _refused(_upload(client_for(coordinator), raw), "Excelfilen är för stor uppackad")


def test_an_xlsx_whose_directory_understates_a_size_is_not_read_past_it(client_for, coordinator):
    """The directory says the sheet is 200 bytes; it unpacks to 30 MB. zipfile stops at 200
    bytes and the checksum fails: the file is unreadable, never parsed in full."""
    big = (
        f"<worksheet {NS}><sheetData>".encode()
        + b"<row/>" * 5_000_000
        + b"</sheetData></worksheet>"
    )
    raw = bytearray(_with_sheet(big))
    name = SHEET.encode()
    at = raw.index(b"PK\x01\x02")  # the directory's first entry
    while raw[at + 46 : at + 46 + len(name)] != name:
        at = raw.index(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", raw, at + 24, 200)  # central directory: uncompressed size
    with deadline(5):
        response = _upload(client_for(coordinator), bytes(raw))
    _refused(response, "Excelfilen kunde inte läsas.")


def test_the_preview_and_the_import_use_the_rows_kept_at_upload(client_for, coordinator):
    client = client_for(coordinator)
    raw = _xlsx([HEADER.split(";"), [_pnr(17, 44), "Alva", "Berg"]])
    response = _upload(client, raw)
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("youth:import_preview", args=[batch.pk])
    # No copy of the file is kept: nothing could be parsed again.
    assert bytes(batch.content) == b""
    assert batch.rows[1][:3] == [_pnr(17, 44), "Alva", "Berg"]
    for _ in range(2):
        assert "registrera 1 ny ungdom" in client.get(response["Location"]).content.decode()
    client.post(response["Location"], {"end_date": timezone.localdate().isoformat()})
    batch.refresh_from_db()
    assert batch.applied_at is not None
    assert batch.rows is None


def test_a_batch_uploaded_before_rows_were_kept_asks_for_the_file_again(
    client_for, coordinator, municipality
):
    batch = ImportBatch.objects.create(
        municipality=municipality,
        uploaded_by=coordinator,
        uploaded_at=timezone.now(),
        filename="lista.csv",
        content=f"{HEADER}\n".encode(),
        reason=reason("OVRIGT"),
        start_date=timezone.localdate(),
    )
    response = client_for(coordinator).get(
        reverse("youth:import_preview", args=[batch.pk]), follow=True
    )
    assert "Filen behöver laddas upp igen." in response.content.decode()


def test_gallring_of_import_files_empties_the_kept_rows(municipality, coordinator):
    import datetime as dt

    from records.retention.services import ACTIONS, _exports_due

    old = ImportBatch.objects.create(
        municipality=municipality,
        uploaded_by=coordinator,
        uploaded_at=timezone.now() - dt.timedelta(days=400),
        filename="lista.csv",
        content=b"",
        rows=[["personnummer"], ["200801011234"]],
        reason=reason("OVRIGT"),
        start_date=timezone.localdate(),
    )
    due = _exports_due(municipality.pk, timezone.localdate())["youth.ImportBatch"]
    assert list(due) == [old]
    ACTIONS["youth.ImportBatch"](due)
    old.refresh_from_db()
    assert old.rows is None
    assert not _exports_due(municipality.pk, timezone.localdate())["youth.ImportBatch"].exists()


def test_openpyxl_parses_uploads_with_defusedxml():
    """Entity expansion ('billion laughs') and external entities in an uploaded sheet are
    refused by defusedxml, which openpyxl uses when it is installed."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
