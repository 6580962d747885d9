"""Storing a source's delivery: read the stream, insert in batches, keep the history.

Each function runs in one transaction: an unreadable file (SourceFileError, even half way
through a stream) rolls everything back, so nothing of it is stored. Row errors are kept on
the delivery with their row numbers (or XML element positions) and never stop the valid rows.

* Population: a full extract replaces the municipality's store, change notices (and CSV rows)
  replace the records of the persons they carry.
* Enrolments and completions: a delivery is the new snapshot of its source and replaces the
  previous one (the earlier deliveries stay listed with their counts).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from kaa.models import Municipality, User
from youth.identification import rule
from youth.identification.models import (
    CompletionRecord,
    EnrolmentRecord,
    PopulationRecord,
    Source,
    SourceDelivery,
    SourceKind,
    Ss12000Connection,
)
from youth.identification.sources import (
    EnrolmentRow,
    ParsedError,
    PopulationRow,
    navet,
    schools,
    ss12000,
)

BATCH = 2000
KEPT_ERRORS = 1000  # row errors listed on the delivery; all of them are counted
POPULATION_SOURCE = "Navet"
Format = SourceDelivery.Format
POPULATION_FIELDS = (
    "birth_date",
    "is_coordination_number",
    "past_compulsory_on",
    "turns_20_on",
    "first_name",
    "last_name",
    "municipality_code",
    "registered_on",
    "secrecy",
    "protected",
    "deregistration_code",
    "deregistration_date",
    "referral_personnummer",
    "address",
    "postal_code",
    "city",
    "guardians",
    "delivery",
    "position",
)


def source_ensure(*, municipality: Municipality, kind: str, name: str) -> Source:
    source, _created = Source.objects.get_or_create(
        municipality=municipality, kind=kind, name=name[:100]
    )
    return source


def _delivery(source: Source, format: str, filename: str, actor: User | None) -> SourceDelivery:
    return SourceDelivery.objects.create(
        source=source,
        format=format,
        filename=filename[:200],
        arrived_at=timezone.now(),
        arrived_by=actor,
    )


def _finish(
    delivery: SourceDelivery, read: int, stored: int, errors: list[ParsedError], error_count: int
) -> SourceDelivery:
    delivery.rows_read, delivery.rows_stored = read, stored
    delivery.errors = [{"row": e.position, "message": e.message} for e in errors]
    delivery.error_count = error_count
    delivery.save()
    return delivery


class _Tally:
    """Counts what a reader yields and keeps the first row errors."""

    def __init__(self) -> None:
        self.read = 0
        self.errors: list[ParsedError] = []
        self.error_count = 0

    def rows(self, items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            if isinstance(item, ParsedError):
                self.error_count += 1
                if len(self.errors) < KEPT_ERRORS:
                    self.errors.append(item)
                continue
            self.read += 1
            yield item


def _snapshot_store(
    model: type[Any],
    delivery: SourceDelivery,
    rows: Iterable[Any],
    record: Callable[[Any], Any],
) -> SourceDelivery:
    """A school source's new snapshot replaces all its rows of `model`: the rows a reader
    yields are stored in batches (`record` makes one record of a row), its row errors kept."""
    model.objects.filter(source=delivery.source).delete()
    tally = _Tally()
    stored = 0
    for batch in _batches(tally.rows(rows)):
        model.objects.bulk_create([record(row) for row in batch])
        stored += len(batch)
    return _finish(delivery, tally.read, stored, tally.errors, tally.error_count)


def _batches(items: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def is_xml(stream: IO[bytes], filename: str) -> bool:
    head = stream.read(256).lstrip(b"\xef\xbb\xbf \t\r\n")
    stream.seek(0)
    return filename.lower().endswith(".xml") or head.startswith(b"<")


@transaction.atomic
def population_store(
    *,
    municipality: Municipality,
    stream: IO[bytes],
    filename: str,
    actor: User | None,
    full: bool | None = None,
    mapping: dict[str, str] | None = None,
) -> SourceDelivery:
    """Read a Navet XML file (or the CSV fallback) into the municipality's population store.
    `full`: a full extract (persons not in it leave the store); None: as the XML file says,
    change notices if it does not say; a CSV is a full list unless `full` is False."""
    source = source_ensure(
        municipality=municipality, kind=SourceKind.POPULATION, name=POPULATION_SOURCE
    )
    tally = _Tally()
    if is_xml(stream, filename):
        delivery = _delivery(source, Format.NAVET_CHANGES, filename, actor)
        header = navet.NavetHeader()

        def rows() -> Iterator[PopulationRow | ParsedError]:
            nonlocal header
            for item in navet.read_xml(stream):
                if isinstance(item, navet.NavetHeader):
                    header = item
                else:
                    yield item

        stored = _population_upsert(municipality, delivery, tally.rows(rows()))
        is_full = header.is_full_extract if full is None else full
        delivery.format = Format.NAVET_FULL if is_full else Format.NAVET_CHANGES
        delivery.effective_date = header.effective_date
    else:
        delivery = _delivery(source, Format.POPULATION_CSV, filename, actor)
        stored = _population_upsert(
            municipality, delivery, tally.rows(navet.read_csv(stream, filename, mapping))
        )
        is_full = full is not False
    if is_full:
        PopulationRecord.objects.filter(municipality=municipality).exclude(
            delivery=delivery
        ).delete()
    return _finish(delivery, tally.read, stored, tally.errors, tally.error_count)


def _population_upsert(
    municipality: Municipality, delivery: SourceDelivery, rows: Iterable[PopulationRow]
) -> int:
    stored = 0
    for batch in _batches(rows):
        latest = {row.personnummer: row for row in batch}  # a later row of a person wins
        PopulationRecord.objects.bulk_create(
            [_population_record(municipality, delivery, row) for row in latest.values()],
            update_conflicts=True,
            unique_fields=["municipality", "personnummer"],
            update_fields=list(POPULATION_FIELDS),
        )
        stored += len(latest)
    return stored


def _population_record(
    municipality: Municipality, delivery: SourceDelivery, row: PopulationRow
) -> PopulationRecord:
    return PopulationRecord(
        municipality=municipality,
        personnummer=row.personnummer,
        birth_date=row.birth_date,
        is_coordination_number=row.is_coordination_number,
        past_compulsory_on=rule.past_compulsory_on(row.birth_date),
        turns_20_on=rule.turns_20_on(row.birth_date),
        first_name=row.first_name[:100],
        last_name=row.last_name[:100],
        municipality_code=row.municipality_code,
        registered_on=row.registered_on,
        secrecy=row.secrecy,
        protected=row.protected,
        deregistration_code=row.deregistration_code,
        deregistration_date=row.deregistration_date,
        referral_personnummer=row.referral_personnummer,
        address=row.address[:200],
        postal_code=row.postal_code,
        city=row.city,
        guardians=row.guardians,
        delivery=delivery,
        position=row.position,
    )


@transaction.atomic
def enrolments_store(
    *,
    municipality: Municipality,
    source_name: str,
    stream: IO[bytes],
    filename: str,
    actor: User | None,
    mapping: dict[str, str] | None = None,
    rows: Iterable[EnrolmentRow | ParsedError] | None = None,
    format: str | None = None,
) -> SourceDelivery:
    """A new snapshot of one enrolment source: a CSV or xlsx list, a saved SS 12000 answer
    (.json), or `rows` already read (an SS 12000 pull). Replaces the source's rows."""
    source = source_ensure(municipality=municipality, kind=SourceKind.ENROLMENT, name=source_name)
    if rows is None:
        if filename.lower().endswith(".json"):
            format, rows = Format.SS12000_FILE, schools.read_ss12000_file(stream)
        else:
            format, rows = (
                Format.ENROLMENT_LIST,
                schools.read_enrolment_list(stream, filename, mapping),
            )
    delivery = _delivery(source, format or Format.SS12000_PULL, filename, actor)
    return _snapshot_store(
        EnrolmentRecord,
        delivery,
        rows,
        lambda row: EnrolmentRecord(
            source=source,
            delivery=delivery,
            position=row.position,
            personnummer=row.personnummer,
            school_unit=row.school_unit,
            school_type=row.school_type,
            programme=row.programme,
            start_date=row.start_date,
            end_date=row.end_date,
            cancelled=row.cancelled,
        ),
    )


@transaction.atomic
def completions_store(
    *,
    municipality: Municipality,
    source_name: str,
    stream: IO[bytes],
    filename: str,
    actor: User | None,
    mapping: dict[str, str] | None = None,
) -> SourceDelivery:
    """A new snapshot of one completion list; replaces the source's rows."""
    source = source_ensure(municipality=municipality, kind=SourceKind.COMPLETION, name=source_name)
    delivery = _delivery(source, Format.COMPLETION_LIST, filename, actor)
    return _snapshot_store(
        CompletionRecord,
        delivery,
        schools.read_completions(stream, filename, mapping),
        lambda row: CompletionRecord(
            source=source,
            delivery=delivery,
            position=row.position,
            personnummer=row.personnummer,
            kind=row.kind,
            date=row.date,
            issuer=row.issuer,
        ),
    )


def source_name_of(filename: str) -> str:
    """A source named by its file (the command line): the file name without its extension."""
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem[:100] or "lista"


def ss12000_pull(
    *,
    connection: Ss12000Connection,
    actor: User | None = None,
    attempts: int = 3,
    backoff: float = 2.0,
) -> SourceDelivery:
    """Pull the connection's `GET /persons` into the enrolment source of the same name, as a
    new snapshot (the same path as a saved SS 12000 file). The pages are read inside the
    snapshot's transaction, so a pull that fails half way stores nothing and leaves the
    previous snapshot in place. The outcome is kept on the connection; a failure raises
    Ss12000Error with the message the page shows."""
    now = timezone.now()
    try:
        client = ss12000.Client(
            connection.base_url,
            ss12000.token_from_env(connection.token_env),
            timeout=connection.timeout_seconds,
            page_size=connection.page_size,
            attempts=attempts,
            backoff=backoff,
        )
        delivery = enrolments_store(
            municipality=connection.municipality,
            source_name=connection.name,
            stream=io.BytesIO(),
            filename=connection.base_url,
            actor=actor,
            rows=schools.read_ss12000_persons(client.persons()),
            format=Format.SS12000_PULL,
        )
    except ss12000.Ss12000Error as exc:
        connection.last_attempt_at, connection.last_error = now, str(exc)[:2000]
        connection.save(update_fields=["last_attempt_at", "last_error"])
        raise
    connection.last_attempt_at = connection.last_success_at = now
    connection.last_error = ""
    connection.save(update_fields=["last_attempt_at", "last_success_at", "last_error"])
    return delivery
