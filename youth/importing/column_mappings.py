"""Saved column mappings: which canonical columns each kind of list has, and finding a saved
mapping by name for the command line. A mapping is {canonical column: the file's header};
a column it leaves out is looked for under its canonical name."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kaa.models import Municipality
from youth.register.models import ColumnMapping

Kind = ColumnMapping.Kind


@dataclass(frozen=True)
class Layout:
    columns: tuple[str, ...]
    required: tuple[str, ...]

    @property
    def header(self) -> str:
        return ";".join(self.columns)


def layout(kind: str) -> Layout:
    """The canonical columns of a kind of list (the header row of the standard format)."""
    from youth.identification.sources import schools
    from youth.importing.services import COLUMNS, REASON_COLUMN, REQUIRED

    layouts = {
        Kind.REGISTER: Layout((*COLUMNS, REASON_COLUMN), REQUIRED),
        Kind.ENROLMENTS: Layout(schools.ENROLMENT_COLUMNS, schools.ENROLMENT_REQUIRED),
        Kind.COMPLETIONS: Layout(schools.COMPLETION_COLUMNS, schools.COMPLETION_REQUIRED),
    }
    return layouts[Kind(kind)]


def mapping_problems(kind: str, mapping: dict[str, str]) -> dict[str, str]:
    """What makes a mapping unusable for its kind, by canonical column (empty: usable).
    Every key must be a canonical column of the kind; a header may stand for one column only;
    a header that is another column's canonical name is taken only when that column is
    mapped to a header of its own (otherwise the file's column would be read twice)."""
    columns = layout(kind).columns
    problems: dict[str, str] = {}
    for column in mapping:
        if column not in columns:
            problems[column] = _(
                "%(col)s är ingen kolumn i en %(kind)s. Kolumnerna är: %(columns)s."
            ) % {"col": column, "kind": Kind(kind).label.lower(), "columns": ", ".join(columns)}
    seen: dict[str, str] = {}
    for column in columns:
        header = mapping.get(column, "").strip().lower()
        if not header:
            continue
        if header in seen:
            problems[column] = _(
                "Rubriken \u201d%(header)s\u201d är redan angiven för "
                "%(other)s. En rubrik kan bara stå för en kolumn."
            ) % {"header": mapping[column].strip(), "other": seen[header]}
        elif header in columns and header != column and not mapping.get(header, "").strip():
            problems[column] = _(
                "\u201d%(header)s\u201d är standardnamnet på kolumnen "
                "%(header)s. Ange också vilken rubrik %(header)s har i "
                "filen, annars läses samma kolumn två gånger."
            ) % {"header": header}
        seen.setdefault(header, column)
    return problems


def saved_mapping(*, municipality: Municipality, name: str) -> ColumnMapping | None:
    return ColumnMapping.objects.filter(municipality=municipality, name=name).first()
