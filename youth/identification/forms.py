"""Forms of the identification page: upload a source file, reject a proposal, approve many."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.forms import fields_only_helper
from kaa.lib.formfields import declared
from kaa.uploads import ScannedFileField
from youth.identification.models import Proposal, SourceKind
from youth.register.models import ColumnMapping

MAX_BYTES = 200 * 1024 * 1024


def upload_max_bytes() -> int:
    """The largest register file the page takes: 200 MB, or less where the installation caps
    every request body lower (KAA_MAX_REQUEST_BYTES, with room for the form's other fields)."""
    from django.conf import settings

    return min(MAX_BYTES, settings.KAA_MAX_REQUEST_BYTES - settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


FILE_TYPES = (".xml", ".csv", ".txt", ".xlsx", ".json")
# The saved column mappings each kind of upload can use (the population's CSV has none).
MAPPING_KIND = {
    SourceKind.ENROLMENT: ColumnMapping.Kind.ENROLMENTS,
    SourceKind.COMPLETION: ColumnMapping.Kind.COMPLETIONS,
}
KIND_PLURAL = {
    ColumnMapping.Kind.REGISTER: _("registerlistor"),
    ColumnMapping.Kind.ENROLMENTS: _("inskrivningslistor"),
    ColumnMapping.Kind.COMPLETIONS: _("examenslistor"),
}
SOURCE_PLURAL = {
    SourceKind.POPULATION: _("folkbokföringsfiler"),
    SourceKind.ENROLMENT: _("inskrivningslistor"),
    SourceKind.COMPLETION: _("examenslistor"),
}
NEEDS_NAME = _("Ange vilken källa filen kommer från, t.ex. skolans eller huvudmannens namn.")


class MappingChoiceField(forms.ModelChoiceField):
    """A saved column mapping, named with the kind of list it reads."""

    def label_from_instance(self, obj: ColumnMapping) -> str:
        return f"{obj.name} ({obj.get_kind_display().lower()})"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Vad innehåller filen?"), choices=SourceKind.choices, widget=forms.RadioSelect
    )
    source_name = forms.CharField(
        label=_("Källa"),
        max_length=100,
        required=False,
        help_text=_(
            "För inskrivningar och examina: skolans, huvudmannens eller databasens namn. "
            "En ny fil från samma källa ersätter den förra."
        ),
    )
    extract = forms.ChoiceField(
        label=_("Folkbokföringsfil"),
        required=False,
        choices=[
            ("", _("Som filen anger (annars ändringsavisering)")),
            ("full", _("Grunduttag: ersätter hela befolkningen")),
            ("changes", _("Ändringsavisering: uppdaterar de personer som finns i filen")),
        ],
    )
    mapping = MappingChoiceField(
        label=_("Kolumnmappning"),
        required=False,
        queryset=ColumnMapping.objects.none(),
        empty_label=_("Ingen: filen har standardformatets rubrikrad"),
        help_text=_(
            "För inskrivnings- och examenslistor (CSV eller xlsx) med andra rubriker "
            "än standardformatet."
        ),
    )
    file = ScannedFileField(label=_("Fil"))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()
        file = declared(self, "file", ScannedFileField)
        mapping = declared(self, "mapping", MappingChoiceField)
        file.uploader, file.what = user, "identifiering"
        mapping.queryset = ColumnMapping.objects.filter(
            municipality=getattr(user, "municipality", None), kind__in=list(MAPPING_KIND.values())
        ).order_by("kind", "name")
        file.help_text = _(
            "Navet-XML, CSV, xlsx eller SS 12000-JSON. Högst %(mb)s MB; större filer läses in "
            "med kommandot identify."
        ) % {"mb": upload_max_bytes() // 2**20}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > upload_max_bytes():
            raise forms.ValidationError(
                _("Filen är större än %(mb)s MB.") % {"mb": upload_max_bytes() // 2**20}
            )
        if not upload.name.lower().endswith(FILE_TYPES):
            raise forms.ValidationError(_("Välj en XML-, CSV-, xlsx- eller JSON-fil."))
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") != SourceKind.POPULATION and not data.get("source_name", "").strip():
            self.add_error("source_name", NEEDS_NAME)
        mapping, kind = data.get("mapping"), data.get("kind")
        if mapping is not None and kind:
            if MAPPING_KIND.get(kind) != mapping.kind:
                self.add_error(
                    "mapping",
                    _(
                        "Kolumnmappningen %(name)s gäller %(its)s, inte %(kind)s. Välj en "
                        "mappning för den här typen av fil, eller ingen."
                    )
                    % {
                        "name": mapping.name,
                        "its": KIND_PLURAL[mapping.kind],
                        "kind": SOURCE_PLURAL[kind],
                    },
                )
            elif data.get("file") and data["file"].name.lower().endswith(".json"):
                self.add_error(
                    "mapping",
                    _(
                        "En kolumnmappning gäller CSV- och xlsx-filer; ett "
                        "svar från SS 12000 (JSON) läses utan mappning."
                    ),
                )
        return data

    @property
    def columns(self) -> dict[str, str] | None:
        """The chosen saved mapping's columns, or None for the standard header row."""
        mapping = self.cleaned_data.get("mapping")
        return dict(mapping.mapping) if mapping is not None else None

    @property
    def full(self) -> bool | None:
        return {"full": True, "changes": False}.get(self.cleaned_data.get("extract") or "")


class RejectForm(forms.Form):
    rejection = forms.ChoiceField(
        label=_("Varför avvisas förslaget?"),
        choices=Proposal.Rejection.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Kommentar"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()


class BulkApproveForm(forms.Form):
    proposals = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args: Any, ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        proposals = declared(self, "proposals", forms.TypedMultipleChoiceField)
        proposals.choices = [(pk, pk) for pk in ids]
        proposals.error_messages["required"] = _("Markera minst ett förslag.")
