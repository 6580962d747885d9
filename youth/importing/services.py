"""Import of the register list (IST, BER or a population extract) as CSV or xlsx.

Two steps, the same in the UI and in `manage.py import_register`:
1. `import_plan` compares the file's rows with the register: new youths, changed contact
   details, youths no longer on the list (offered for deregistration, never removed), and row
   errors with row numbers. Nothing is written. The file is read once (`read_rows`, within
   fixed limits on size, rows and columns); the UI keeps the rows, not the file.
2. `import_apply` carries the plan out in one transaction, in bulk.
Importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from kaa.lib.modelfields import field_label, own_field
from kaa.models import AuditEvent, Municipality, User
from kaa.request_context import current_ip, current_request_id
from kaa.versioning import VERSION_FIELD, changed_apply, version_bump
from youth import personnummer as pnr
from youth.register.models import FieldChange, KaaPeriod, Reason, TimelineEntry, Youth
from youth.register.services import youth_status_refresh
from youth.register.signals import periods_opened

# Canonical column -> Youth field. Headers are matched case-insensitively.
COLUMNS = {
    "personnummer": "personnummer",
    "fornamn": "first_name",
    "efternamn": "last_name",
    "adress": "address",
    "postnummer": "postal_code",
    "postort": "city",
    "telefon": "phone",
    "epost": "email",
    "avlamnande_skola": "former_school",
}
REQUIRED = ("personnummer", "fornamn", "efternamn")
# Optional: each row's registration reason (its code or its name); without the column, the one
# reason chosen at upload applies to every new period.
REASON_COLUMN = "registreringsorsak"
# The columns as a person names them (row errors, the column mapping form).
COLUMN_NAMES = {
    "personnummer": _lazy("Personnummer"),
    "fornamn": _lazy("Förnamn"),
    "efternamn": _lazy("Efternamn"),
    "adress": _lazy("Adress"),
    "postnummer": _lazy("Postnummer"),
    "postort": _lazy("Postort"),
    "telefon": _lazy("Telefon"),
    "epost": _lazy("E-post"),
    "avlamnande_skola": _lazy("Avlämnande skola"),
    REASON_COLUMN: _lazy("Registreringsorsak"),
    "skolenhetskod": _lazy("Skolenhetskod"),
    "skolform": _lazy("Skolform"),
    "program": _lazy("Program"),
    "startdatum": _lazy("Startdatum"),
    "slutdatum": _lazy("Slutdatum"),
    "avbrott": _lazy("Avbrott"),
    "typ": _lazy("Typ"),
    "datum": _lazy("Datum"),
    "utfardare": _lazy("Utfärdare"),
}


def column_name(column: str) -> str:
    """ "fornamn" -> "Förnamn" (a column without a Swedish name reads as itself)."""
    return str(COLUMN_NAMES.get(column, column))


HEADER_OF = {field: column for column, field in COLUMNS.items()}
CONTACT_FIELDS = ("address", "postal_code", "city", "phone", "email", "former_school")
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000  # rows after the header, empty ones included
MAX_COLUMNS = 50
# An xlsx file is a zip archive: what it unpacks to is limited as well, read from the archive's
# directory before anything is unpacked (zipfile never unpacks a member beyond the size the
# directory states: the rest fails its checksum), so that a small upload cannot make the
# server parse gigabytes.
XLSX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
XLSX_MAX_MEMBERS = 100


class ImportFileError(ValueError):
    """The file cannot be read at all; str() is a message for the user."""


@dataclass
class RowError:
    row: int
    message: str
    column: str = ""  # the canonical column at fault ("" : the row as a whole)
    value: str = ""  # what the file has there

    @property
    def column_name(self) -> str:
        return column_name(self.column) if self.column else ""


@dataclass
class ImportPlan:
    new: list[dict[str, Any]] = field(default_factory=list)
    returning: list[tuple[Youth, dict[str, Any]]] = field(default_factory=list)
    updated: list[tuple[Youth, dict[str, Any], list[str]]] = field(default_factory=list)
    unchanged: int = 0
    missing: list[Youth] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    merged: int = 0
    # The file lists only some youths (a school's list, a few added by hand): nobody who is
    # not on it is offered for deregistration.
    partial: bool = False
    has_reasons: bool = False  # the file has a registration reason column

    def summary(self) -> str:
        """What the import does (or did), in sentences: "2 nya ungdomar registrerades. …"."""
        new, updated = len(self.new) + len(self.returning), len(self.updated)
        counted = [
            (new, "%(n)s ungdom fick en ny KAA-period.", "%(n)s ungdomar fick en ny KAA-period."),
            (
                updated,
                "%(n)s ungdom fick nya kontaktuppgifter.",
                "%(n)s ungdomar fick nya kontaktuppgifter.",
            ),
            (self.unchanged, "%(n)s ungdom var oförändrad.", "%(n)s ungdomar var oförändrade."),
            (
                len(self.errors),
                "%(n)s rad med fel hoppades över.",
                "%(n)s rader med fel hoppades över.",
            ),
            (
                len(self.missing),
                "%(n)s ungdom i KAA fanns inte i listan.",
                "%(n)s ungdomar i KAA fanns inte i listan.",
            ),
        ]
        parts = [ngettext(one, many, n) % {"n": n} for n, one, many in counted if n]
        if not parts:
            return _("Listan ändrade ingenting.")
        return " ".join(parts)

    def without_reason(self) -> int:
        """New periods whose row gives no registration reason."""
        rows = [*self.new, *(values for _youth, values in self.returning)]
        return sum(1 for values in rows if not values.get("_reason"))

    def changes(self) -> list[tuple[Youth, list[tuple[str, str, str]]]]:
        """Each youth whose contact details change, with (field name, old, new)."""
        return [
            (
                youth,
                [
                    (
                        field_label(Youth, name).capitalize(),
                        str(getattr(youth, name) or "–"),
                        str(values[name]),
                    )
                    for name in changed
                ],
            )
            for youth, values, changed in self.updated
        ]


def _decode(raw: bytes) -> str:
    try:
        if raw.startswith(b"\xef\xbb\xbf"):
            return raw[3:].decode("utf-8")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "Filen är varken UTF-8 eller Windows-1252 (byte %(pos)s). "
                "Spara den som CSV UTF-8 och försök igen."
            )
            % {"pos": exc.start}
        ) from exc


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("Filen har fler än %(n)s rader. Dela upp den i flera filer (tomma rader räknas också).")
        % {"n": f"{MAX_ROWS:,}".replace(",", " ")}
    )


def _too_many_columns() -> ImportFileError:
    return ImportFileError(
        _("Filen har fler än %(n)s kolumner. Spara bara de kolumner som ska importeras.")
        % {"n": MAX_COLUMNS}
    )


def _read_csv(raw: bytes) -> list[list[str]]:
    text = _decode(raw)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    rows: list[list[str]] = []
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        if len(rows) > MAX_ROWS:
            raise _too_many_rows()
        if len(row) > MAX_COLUMNS:
            raise _too_many_columns()
        rows.append(row)
    return rows


def _xlsx_check(raw: bytes) -> None:
    """Refuse an archive that unpacks to too much, by its directory, before it is opened."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(_("Excelfilen kunde inte läsas.")) from exc
    unpacked = sum(member.file_size for member in members)
    if len(members) > XLSX_MAX_MEMBERS or unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _(
                "Excelfilen är för stor uppackad (högst %(mb)s MB och %(n)s delar). Spara bara "
                "bladet med listan, eller spara den som CSV."
            )
            % {"mb": XLSX_MAX_UNPACKED_BYTES // 2**20, "n": XLSX_MAX_MEMBERS}
        )


def _read_xlsx(raw: bytes) -> list[list[str]]:
    """The first sheet's rows, streamed; stops at the first row or column over the limits."""
    from openpyxl import load_workbook

    _xlsx_check(raw)
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001  openpyxl raises many kinds on a broken file
        raise ImportFileError(_("Excelfilen kunde inte läsas.")) from exc
    try:
        sheet = book.worksheets[0]
        # The sheet's own <dimension> is not trusted: it can claim a million rows and 16 384
        # columns (openpyxl would pad every row to it) or fewer rows than there are.
        sheet.reset_dimensions()
        rows: list[list[str]] = []
        # One column more than allowed is read, to see whether the sheet goes on.
        for row in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True):
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
            cells = ["" if cell is None else str(cell).strip() for cell in row]
            if cells[MAX_COLUMNS:] and any(cells[MAX_COLUMNS:]):
                raise _too_many_columns()
            while cells and not cells[-1]:
                cells.pop()
            rows.append(cells)
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001  (a damaged sheet, a member failing its checksum)
        raise ImportFileError(_("Excelfilen kunde inte läsas.")) from exc
    finally:
        book.close()
    return rows


def read_rows(raw: bytes, filename: str) -> list[list[str]]:
    """The file's rows as lists of strings (header first); ImportFileError if unreadable or
    over the limits (MAX_BYTES, MAX_ROWS, MAX_COLUMNS, XLSX_MAX_UNPACKED_BYTES)."""
    if not raw:
        raise ImportFileError(_("Filen är tom."))
    if len(raw) > MAX_BYTES:
        raise ImportFileError(_("Filen är större än 20 MB."))
    if filename.lower().endswith(".xlsx") or raw[:2] == b"PK":
        return _read_xlsx(raw)
    try:
        return _read_csv(raw)
    except csv.Error as exc:
        raise ImportFileError(_("Filen kunde inte läsas som CSV: %(e)s") % {"e": exc}) from exc


def _header_index(header: list[str], mapping: dict[str, str] | None) -> dict[str, int]:
    names = {h.strip().lower().lstrip("\ufeff"): i for i, h in enumerate(header)}
    index = {}
    for canonical in (*COLUMNS, REASON_COLUMN):
        source = (mapping or {}).get(canonical, canonical).strip().lower()
        if source in names:
            index[canonical] = names[source]
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise ImportFileError(
            _(
                "Filen saknar kolumnerna %(cols)s. Kontrollera rubrikraden "
                "eller välj en sparad kolumnmappning."
            )
            % {"cols": ", ".join(column_name(c) for c in missing)}
        )
    return index


def has_reason_column(header: list[str], mapping: dict[str, str] | None) -> bool:
    """Whether the file gives each row its registration reason."""
    names = {h.strip().lower().lstrip("\ufeff") for h in header}
    return (mapping or {}).get(REASON_COLUMN, REASON_COLUMN).strip().lower() in names


def _reasons() -> dict[str, Reason]:
    """The registration reasons offered, by code and by name (lower case)."""
    out: dict[str, Reason] = {}
    for reason in Reason.objects.filter(kind="registration", is_active=True):
        out[reason.code.lower()] = reason
        out[reason.label.strip().lower()] = reason
    return out


def _parse_rows(
    rows: list[list[str]], mapping: dict[str, str] | None, today: dt.date, plan: ImportPlan
) -> dict[str, dict[str, Any]]:
    """Valid rows keyed by personnummer (duplicates merged); errors go to the plan."""
    if not rows:
        raise ImportFileError(_("Filen är tom."))
    index = _header_index(rows[0], mapping)
    reason_at = index.pop(REASON_COLUMN, None)
    plan.has_reasons = reason_at is not None
    reasons = _reasons() if plan.has_reasons else {}
    by_number: dict[str, dict[str, Any]] = {}
    for row_number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values: dict[str, Any] = {
            COLUMNS[c]: (row[i].strip() if i < len(row) else "") for c, i in index.items()
        }
        column, error = _row_error(values, today)
        if not error and reason_at is not None:
            column, error = _reason_of(row, reason_at, reasons, values)
        if error:
            value = (
                values.get(COLUMNS.get(column, ""), "")
                if column != REASON_COLUMN
                else (
                    row[reason_at].strip()
                    if reason_at is not None and reason_at < len(row)
                    else ""
                )
            )
            plan.errors.append(RowError(row_number, error, column, value))
            continue
        parsed = pnr.parse(values["personnummer"], today=today)
        values["personnummer"] = parsed.number
        values["_parsed"] = parsed
        values["_row"] = row_number
        if parsed.number in by_number:
            plan.merged += 1
            earlier = by_number[parsed.number]
            for key, value in values.items():
                if value and not earlier.get(key):
                    earlier[key] = value
        else:
            by_number[parsed.number] = values
    return by_number


def _reason_of(
    row: list[str], at: int, reasons: dict[str, Reason], values: dict[str, Any]
) -> tuple[str, str]:
    """The row's registration reason into `values["_reason"]`; an error if it is not one
    the municipality offers (an empty cell: the reason chosen at upload applies)."""
    text = row[at].strip() if at < len(row) else ""
    if not text:
        return "", ""
    reason = reasons.get(text.lower())
    if reason is None:
        return REASON_COLUMN, _(
            "Registreringsorsaken finns inte. Ange koden eller benämningen för en av "
            "kommunens registreringsorsaker."
        )
    values["_reason"] = reason
    return "", ""


def _row_error(values: dict[str, str], today: dt.date) -> tuple[str, str]:
    """(the canonical column at fault, the message), or ("", "") for a good row."""
    if not values.get("personnummer"):
        return "personnummer", _("Personnummer saknas.")
    try:
        parsed = pnr.parse(values["personnummer"], today=today)
    except pnr.PersonnummerError as exc:
        return "personnummer", str(exc)
    age = parsed.age_on(today)
    if age >= 20:
        return "personnummer", _(
            "Personen har fyllt 20 år och omfattas inte av aktivitetsansvaret."
        )
    if age < 15:
        return "personnummer", _("Personen är under 15 år.")
    if not values.get("first_name"):
        return "fornamn", _("Förnamn saknas.")
    if not values.get("last_name"):
        return "efternamn", _("Efternamn saknas.")
    return _field_error(values)


def _field_error(values: dict[str, str]) -> tuple[str, str]:
    """Lengths by the register's columns, and the e-mail syntax."""
    for name, value in values.items():
        limit = own_field(Youth, name).max_length if name != "personnummer" else None
        if limit and len(value) > limit:
            return HEADER_OF[name], _("Värdet är för långt (högst %(n)s tecken).") % {"n": limit}
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            return "epost", _("E-postadressen är ogiltig.")
    return "", ""


def _returning_error(youth: Youth, last_end: dt.date | None, start: dt.date) -> str:
    if last_end is not None and last_end >= start:
        return _(
            "Ungdomens förra period slutade %(date)s; en ny period kan tidigast börja dagen efter."
        ) % {"date": last_end.isoformat()}
    if youth.age_on(start) >= 20:
        return _("Personen har fyllt 20 år och omfattas inte av aktivitetsansvaret.")
    return ""


def import_plan(
    *,
    municipality: Municipality,
    raw: bytes = b"",
    filename: str = "",
    rows: list[list[str]] | None = None,
    mapping: dict[str, str] | None = None,
    today: dt.date | None = None,
    start_date: dt.date | None = None,
    partial: bool = False,
) -> ImportPlan:
    """Compare the file (its `rows` as read by `read_rows`, or the `raw` file) with the
    register. Reads only; raises ImportFileError. A `partial` list offers nobody for
    deregistration."""
    today = today or timezone.localdate()
    start_date = start_date or today
    plan = ImportPlan(partial=partial)
    read = rows if rows is not None else read_rows(raw, filename)
    incoming = _parse_rows(read, mapping, today, plan)
    if not incoming:
        # Never offer to deregister the whole register because a file had no usable rows.
        raise ImportFileError(
            _("Filen innehåller inga giltiga rader (%(n)s rader med fel).")
            % {"n": len(plan.errors)}
        )
    existing = {y.personnummer: y for y in Youth.objects.filter(municipality=municipality)}
    open_ids = set(
        KaaPeriod.objects.kaa()
        .filter(youth__municipality=municipality, end_date__isnull=True)
        .values_list("youth_id", flat=True)
    )
    last_end = dict(
        KaaPeriod.objects.filter(youth__municipality=municipality)
        .values("youth_id")
        .annotate(last=Max("end_date"))
        .values_list("youth_id", "last")
    )
    for number, values in incoming.items():
        youth = existing.get(number)
        if youth is None:
            plan.new.append(values)
            continue
        if youth.restricted_at is not None:
            plan.errors.append(
                RowError(
                    values["_row"],
                    _(
                        "Behandlingen av ungdomens uppgifter är begränsad (dataskydd): raden "
                        "ändrar ingenting. En samordnare kan häva begränsningen på ungdomens sida."
                    ),
                )
            )
            continue
        changed = [f for f in CONTACT_FIELDS if values.get(f) and values[f] != getattr(youth, f)]
        if youth.pk not in open_ids:
            error = _returning_error(youth, last_end.get(youth.pk), start_date)
            if error:
                plan.errors.append(RowError(values["_row"], error))
            else:
                plan.returning.append((youth, values))
                if changed:
                    plan.updated.append((youth, values, changed))
        elif changed:
            plan.updated.append((youth, values, changed))
        else:
            plan.unchanged += 1
    if not partial:
        plan.missing = _missing(existing.values(), open_ids, incoming)
    return plan


def _missing(
    existing: Any, open_ids: set[int], incoming: dict[str, dict[str, Any]]
) -> list[Youth]:
    """In KAA but not on the list any more: offered for deregistration (a restricted record
    is frozen)."""
    return sorted(
        (
            y
            for y in existing
            if y.pk in open_ids and y.personnummer not in incoming and y.restricted_at is None
        ),
        key=lambda y: (y.last_name, y.first_name),
    )


@transaction.atomic
def import_apply(
    *,
    plan: ImportPlan,
    municipality: Municipality,
    reason: Reason | None,
    actor: User | None,
    start_date: dt.date | None = None,
) -> None:
    """Write the plan: create youths and periods, update contact details. Bulk, audited.
    Each new period takes its row's registration reason, else `reason`."""
    start_date = start_date or timezone.localdate()
    now = timezone.now()
    new_youths, reason_of = [], {}
    for values in plan.new:
        parsed = values["_parsed"]
        fields = {k: v for k, v in values.items() if not k.startswith("_")}
        new_youths.append(
            Youth(
                municipality=municipality,
                pnr_short=parsed.number[2:],
                birth_date=parsed.birth_date,
                is_coordination_number=parsed.is_coordination_number,
                missing_guardian=parsed.age_on(start_date) < 18,
                created_by=actor,
                updated_by=actor,
                **fields,
            )
        )
    Youth.objects.bulk_create(new_youths, batch_size=2000)
    for youth, values in [*zip(new_youths, plan.new, strict=True), *plan.returning]:
        reason_of[youth.pk] = values.get("_reason") or reason
    if any(r is None for r in reason_of.values()):
        raise ValidationError(_("Välj en registreringsorsak för de rader som saknar en."))
    opened = new_youths + [youth for youth, _values in plan.returning]
    periods = KaaPeriod.objects.bulk_create(
        [
            KaaPeriod(
                youth=y,
                start_date=start_date,
                registration_reason=reason_of[y.pk],
                created_by=actor,
            )
            for y in opened
        ],
        batch_size=2000,
    )
    # Contact details: compared again with the record as it is now, held still while written
    # (a staff edit saved since the preview is neither overwritten nor undone), each change
    # kept in the field history and the version bumped, so a form opened before the import
    # is refused as stale instead of putting the old values back.
    fresh = Youth.objects.select_for_update().in_bulk([y.pk for y, _v, _c in plan.updated])
    updated, changes = [], []
    for youth, values, _changed in plan.updated:
        current = fresh.get(youth.pk)
        if current is None or current.restricted_at or current.anonymised_at:
            continue
        changed = [f for f in CONTACT_FIELDS if values.get(f) and values[f] != getattr(current, f)]
        if not changed:
            continue
        changes += [
            FieldChange(
                youth=current,
                field=name,
                by=actor,
                at=now,
                label=field_label(Youth, name)[:100],
                old=str(getattr(current, name))[:300],
                new=str(values[name])[:300],
            )
            for name in changed
        ]
        changed_apply(current, {name: values[name] for name in changed})
        current.updated_by = actor
        version_bump(current)
        updated.append(current)
    Youth.objects.bulk_update(
        updated, [*CONTACT_FIELDS, "updated_by", VERSION_FIELD], batch_size=2000
    )
    FieldChange.objects.bulk_create(changes, batch_size=2000)

    def opened_summary(youth: Youth) -> str:
        return _("KAA-period startad %(date)s via import: %(reason)s") % {
            "date": start_date.isoformat(),
            "reason": cast(Reason, reason_of[youth.pk]).label,  # none is None (checked above)
        }

    TimelineEntry.objects.bulk_create(
        [
            TimelineEntry(
                youth=y, at=now, kind="period_opened", actor=actor, summary=opened_summary(y)
            )
            for y in opened
        ]
        + [
            TimelineEntry(
                youth=y,
                at=now,
                kind="contact_details",
                actor=actor,
                summary=_("Kontaktuppgifter uppdaterade via import"),
            )
            for y in updated
        ],
        batch_size=2000,
    )
    for youth, _values in plan.returning:
        youth_status_refresh(youth=youth)
    _audit_bulk(actor, municipality, new_youths, opened, updated)
    if periods:
        periods_opened.send(sender=KaaPeriod, period_ids=[p.pk for p in periods])


def _audit_bulk(
    actor: User | None,
    municipality: Municipality,
    created: list[Youth],
    opened: list[Youth],
    updated: list[Youth],
) -> None:
    def event(
        action: str,
        object_type: str,
        object_id: Any = "",
        youth_id: Any = None,
        detail: str = "import",
    ) -> AuditEvent:
        return AuditEvent(
            action=action,
            user=actor,
            username=actor.get_username() if actor else "import",
            role=getattr(actor, "role", ""),
            municipality=municipality,
            object_type=object_type,
            object_id=str(object_id),
            youth_id=youth_id,
            detail=detail,
            ip=current_ip(),
            request_id=current_request_id(),
        )

    create, update = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE
    events = [event(create, "youth.youth", y.pk, y.pk) for y in created]
    events += [event(create, "youth.kaaperiod", "", y.pk) for y in opened]
    events += [event(update, "youth.youth", y.pk, y.pk) for y in updated]
    events.append(
        event(create, "youth.import", detail=f"new={len(opened)} updated={len(updated)}")
    )
    AuditEvent.objects.bulk_create(events, batch_size=2000)
