"""Forms of the register import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.forms import DateField, date_input, fields_only_helper
from kaa.lib.formfields import declared
from kaa.models import Municipality
from kaa.uploads import ScannedFileField
from youth.importing.column_mappings import layout, mapping_problems
from youth.importing.services import (
    MAX_BYTES,
    ImportFileError,
    column_name,
    has_reason_column,
    read_rows,
)
from youth.register.models import ColumnMapping, Reason, Youth

DATE = date_input()
_helper = fields_only_helper


class ImportUploadForm(forms.Form):
    file = ScannedFileField(
        label=_("Fil (CSV eller xlsx)"), help_text=_("Högst 20 MB. Rubrikrad först.")
    )
    scope = forms.ChoiceField(
        label=_("Vad listan omfattar"),
        choices=[
            ("all", _("Alla ungdomar i KAA: den som saknas i listan kan avregistreras")),
            ("partial", _("Bara några ungdomar: ingen avregistreras för att den saknas")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.ModelChoiceField(
        label=_("Registreringsorsak"),
        help_text=_(
            "För rader utan egen orsak. Har filen en kolumn registreringsorsak (koden eller "
            "benämningen) gäller den för varje rad."
        ),
        required=False,
        queryset=Reason.objects.filter(kind="registration", is_active=True),
    )
    start_date = DateField(label=_("Startdatum för nya perioder"), widget=DATE)
    mapping = forms.ModelChoiceField(
        label=_("Kolumnmappning"),
        required=False,
        queryset=ColumnMapping.objects.none(),
        empty_label=_("Standardformat"),
    )

    def __init__(
        self, *args: Any, municipality: Municipality, user: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        file = declared(self, "file", ScannedFileField)
        file.uploader, file.what = user, "registerimport"
        declared(self, "mapping", forms.ModelChoiceField).queryset = ColumnMapping.objects.filter(
            municipality=municipality, kind=ColumnMapping.Kind.REGISTER
        )
        self.fields["start_date"].initial = timezone.localdate()
        self.helper = _helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rows, mapping = data.get("rows"), data.get("mapping")
        if rows and not data.get("reason"):
            if not has_reason_column(rows[0], mapping.mapping if mapping else None):
                self.add_error(
                    "reason",
                    _(
                        "Välj registreringsorsak. Filen har ingen kolumn registreringsorsak "
                        "som anger orsaken för varje rad."
                    ),
                )
        return data

    def clean_file(self) -> Any:
        """The file is read here, once: its rows are what the preview and the import use."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Filen är större än 20 MB."))
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Välj en CSV- eller xlsx-fil."))
        upload.seek(0)
        try:
            self.cleaned_data["rows"] = read_rows(upload.read(), upload.name)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class _YouthsByName(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.birth_date:%Y-%m-%d})"


class ImportConfirmForm(forms.Form):
    deregister = _YouthsByName(
        label=_("Avregistrera dessa ungdomar som inte längre finns i listan"),
        queryset=Youth.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deregistration_reason = forms.ModelChoiceField(
        label=_("Avregistreringsorsak"),
        required=False,
        queryset=Reason.objects.filter(kind="deregistration", is_active=True),
    )
    end_date = DateField(label=_("Slutdatum"), widget=DATE, required=False)

    def __init__(self, *args: Any, missing: list[Youth], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        deregister = declared(self, "deregister", _YouthsByName)
        deregister.queryset = Youth.objects.filter(pk__in=[y.pk for y in missing])
        self.fields["end_date"].initial = timezone.localdate()
        self.helper = _helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("deregister"):
            if not data.get("deregistration_reason"):
                self.add_error(
                    "deregistration_reason", _("Välj orsak för dem som ska avregistreras.")
                )
            if not data.get("end_date"):
                self.add_error("end_date", _("Ange slutdatum för avregistreringen."))
        return data


class ColumnMappingForm(forms.ModelForm):
    """A saved mapping for one kind of list: for each canonical column, the header the
    municipality's file has for it (blank: the file uses the canonical name)."""

    # Carries the kind of list (chosen by the page's ?typ=) on when the form is sent; the view
    # builds the form for it, a form sent without it is for register lists.
    kind = forms.ChoiceField(
        choices=ColumnMapping.Kind.choices, widget=forms.HiddenInput, required=False
    )

    class Meta:
        model = ColumnMapping
        fields = ["name"]

    def __init__(
        self,
        *args: Any,
        municipality: Municipality,
        kind: str = ColumnMapping.Kind.REGISTER,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.mapping_kind = kind  # `kind` is the form's hidden field
        self.fields["kind"].initial = kind
        self.layout = layout(kind)
        for canonical in self.layout.columns:
            self.fields[canonical] = forms.CharField(
                label=_("Rubrik i filen för %(name)s") % {"name": column_name(canonical)},
                max_length=100,
                required=False,
                help_text=(
                    _("Krävs. Lämna tomt om filens rubrik är %(col)s.")
                    if canonical in self.layout.required
                    else _("Lämna tomt om filens rubrik är %(col)s.")
                )
                % {"col": canonical},
            )
        self.helper = _helper()

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if ColumnMapping.objects.filter(municipality=self.municipality, name=name).exists():
            raise forms.ValidationError(_("Det finns redan en mappning med det namnet."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mapping = self.mapping_entered()
        if not mapping and not self.errors:
            raise forms.ValidationError(
                _(
                    "Ange rubriken i filen för minst en kolumn, den som "
                    "skiljer sig från standardformatet."
                )
            )
        for column, problem in mapping_problems(self.mapping_kind, mapping).items():
            self.add_error(column if column in self.fields else None, problem)
        return data

    def mapping_entered(self) -> dict[str, str]:
        return {
            c: self.cleaned_data[c].strip()
            for c in self.layout.columns
            if (self.cleaned_data.get(c) or "").strip()
        }

    def save(self, commit: bool = True) -> ColumnMapping:
        mapping = super().save(commit=False)
        mapping.municipality, mapping.kind = self.municipality, self.mapping_kind
        mapping.mapping = self.mapping_entered()
        mapping.save()
        return mapping
