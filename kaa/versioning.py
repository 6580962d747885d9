"""No lost updates: records that several people edit carry a version number.

A form remembers the version it was opened at (a hidden field). The service, holding the row
lock, compares it with the stored version: if someone saved in between, nothing is written and
`StaleEdit` says who changed what; the view keeps everything the user typed, shows the saved
values beside theirs and moves the form's version forward, so that saving again is a
deliberate choice to overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

VERSION_FIELD = "version"
# What a form opened on a saved record is taken to have been opened at when it sends no
# version: never a stored version (they start at 1), so the save is refused as stale.
MISSING_VERSION = 0


@dataclass(frozen=True)
class Change:
    label: str
    saved: str  # the value stored now
    yours: str  # the value in the user's form


class StaleEdit(ValidationError):
    def __init__(self, *, current: int, changes: list[Change], who: str, when: str) -> None:
        self.current_version = current
        self.changes = changes
        message = _(
            "%(who)s sparade ändringar %(when)s medan du hade formuläret öppet. Inget "
            "av det du skrev är sparat än: jämför med det som är sparat nu och spara "
            "igen om ditt ska gälla."
        ) % {"who": who, "when": when}
        super().__init__(message, code="stale")


class VersionedFormMixin(forms.BaseForm):
    """Adds the hidden version field; `instance` (ModelForm) or `version=` gives its value."""

    def __init__(self, *args: Any, version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk:
            version = getattr(instance, VERSION_FIELD, None)
        self.fields[VERSION_FIELD] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=version
        )
        self._version_expected = version is not None
        self.stale_changes: list[Change] = []
        self.stale = False

    def clean_version(self) -> int | None:
        """A form opened on a saved record sends back the version it was opened at. A POST
        without it (made by hand, replayed, or from a page of before) is stale: it is never
        written blindly over what is saved; the user sees the differences and saves again."""
        submitted = self.cleaned_data.get(VERSION_FIELD)
        if submitted is None and self._version_expected:
            return MISSING_VERSION
        return submitted

    def submitted_version(self) -> int | None:
        return self.cleaned_data.get(VERSION_FIELD)

    def stale_apply(self, exc: StaleEdit) -> None:
        """Keep the input, list the differences, and take the saved version as the base."""
        data = self.data.copy()
        data[self.add_prefix(VERSION_FIELD)] = str(exc.current_version)
        self.data = data
        self.stale_changes = exc.changes
        self.stale = True
        self.add_error(None, exc)


def _display(obj: models.Model, field: models.Field, value: Any) -> str:
    if value in (None, ""):
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return (
            str(value)
            if isinstance(value, models.Model)
            else str(field.related_model.objects.filter(pk=value).first() or value)
        )
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    return str(value)


def version_check(obj: models.Model, submitted: int | None, fields: dict[str, Any]) -> None:
    """Call with the row locked (select_for_update), before writing. `submitted` None means
    the caller is not a form (a job, an import): no check. A form always submits a number
    (VersionedFormMixin.clean_version: MISSING_VERSION when the POST had none)."""
    current = getattr(obj, VERSION_FIELD)
    if submitted is None or submitted == current:
        return
    changes = []
    for name, yours in fields.items():
        field = obj._meta.get_field(name)
        saved = getattr(obj, name)
        if saved != yours:
            changes.append(
                Change(
                    str(field.verbose_name).capitalize(),
                    _display(obj, field, saved),
                    _display(obj, field, yours),
                )
            )
    who = getattr(obj, "updated_by", None)
    when = getattr(obj, "updated_at", None)
    raise StaleEdit(
        current=current,
        changes=changes,
        who=who.get_full_name() or who.get_username() if who else _("Någon annan"),
        when=timezone.localtime(when).strftime("%H:%M") if when else "",
    )


def version_bump(obj: models.Model) -> None:
    setattr(obj, VERSION_FIELD, getattr(obj, VERSION_FIELD) + 1)


def changed_apply(obj: models.Model, fields: dict[str, Any]) -> list[str]:
    """Set the fields whose value differs on `obj`; return their names (empty: no change)."""
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    return changed
