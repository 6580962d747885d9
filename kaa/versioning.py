"""No lost updates: records that several people edit carry a version number.

A form remembers the version it was opened at and the values it showed then (two hidden
fields). The service, holding the row lock, compares the version with the stored one: if
someone saved in between, nothing is written and `StaleEdit` carries what is saved now. The
form then shows three columns per field that differs (when you opened, saved meanwhile,
yours), keeps what the user changed, takes the saved value for every field the user did not
change, and makes the saved state its new base (version and values). Saving again writes
only the fields the user changed, so someone else's fix made meanwhile stays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.lib.modelfields import own_field

if TYPE_CHECKING:
    from django.http import QueryDict

VERSION_FIELD = "version"
# The values the form showed when it was opened, signed (they come back from the browser).
OPENED_FIELD = "opened"
_OPENED_SALT = "kaa.versioning.opened"
# What a form opened on a saved record is taken to have been opened at when it sends no
# version: never a stored version (they start at 1), so the save is refused as stale.
MISSING_VERSION = 0


@dataclass(frozen=True)
class Change:
    label: str
    saved: str  # the value stored now
    yours: str  # the value in the user's form
    opened: str | None = None  # the value when the form was opened (None: not known)
    name: str = ""  # the field's name, where it is one
    # False: the user left the field as it was; the form shows the saved value now.
    yours_changed: bool = True


class StaleEdit(ValidationError):
    def __init__(
        self,
        *,
        current: int,
        changes: list[Change],
        who: str,
        when: str,
        saved: dict[str, Any] | None = None,
    ) -> None:
        self.current_version = current
        self.changes = changes
        # What is stored now, by field name (a foreign key by its id): the form takes it
        # for the fields the user did not change.
        self.saved = saved or {}
        message = _(
            "%(who)s sparade ändringar %(when)s medan du hade formuläret öppet. Inget "
            "av det du skrev är sparat än. Fälten du inte ändrade visar nu det som "
            "sparades; dina ändringar finns kvar. Spara igen för att spara bara det du "
            "ändrade."
        ) % {"who": who, "when": when}
        super().__init__(message, code="stale")


def _norm(field: forms.Field, value: Any) -> Any:
    """A field's value as the browser would send it back, comparable across the opened, the
    saved and the typed value (a choice by its key, a date in ISO, a text without CR)."""
    value = field.prepare_value(value)
    if isinstance(value, (list, tuple, set)) or (
        hasattr(value, "__iter__") and hasattr(value, "model")
    ):
        return sorted(str(_norm(field, v)) for v in value)
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value).replace("\r\n", "\n")


def _label(field: forms.Field, raw: Any) -> str:
    """What a person reads for a normalised value: the choice's label, Ja/Nej, or the text."""
    if raw in ("", []):
        return "–"
    if isinstance(field, forms.BooleanField):
        return {"True": _("Ja"), "False": _("Nej")}.get(raw, "–")
    choices = getattr(field, "choices", None)
    if choices is not None:
        labels: dict[str, str] = {}
        for key, label in choices:
            if isinstance(label, (list, tuple)):  # an optgroup
                labels.update({str(k): str(v) for k, v in label})
            else:
                labels[str(key)] = str(label)
        if isinstance(raw, list):
            return ", ".join(labels[r] if r in labels else r for r in raw)
        return labels.get(raw, raw)
    return ", ".join(raw) if isinstance(raw, list) else raw


class VersionedFormMixin(forms.BaseForm):
    """Adds the hidden version and opened-values fields; `instance` (ModelForm) or `version=`
    gives the version."""

    def __init__(self, *args: Any, version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk:
            version = getattr(instance, VERSION_FIELD, None)
        self.fields[VERSION_FIELD] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=version
        )
        # Callable: the values are taken when the form is shown, after the subclass has set
        # its fields and their initial values.
        self.fields[OPENED_FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=self._opened_now
        )
        self._version_expected = version is not None
        self.stale_changes: list[Change] = []
        self.stale = False

    def _compared(self) -> dict[str, forms.Field]:
        return {
            name: field
            for name, field in self.fields.items()
            if name not in (VERSION_FIELD, OPENED_FIELD) and not isinstance(field, forms.FileField)
        }

    def _opened_now(self) -> str:
        values = {
            name: _norm(field, self.get_initial_for_field(field, name))
            for name, field in self._compared().items()
        }
        return signing.dumps(values, salt=_OPENED_SALT, compress=True)

    def opened_values(self) -> dict[str, Any] | None:
        """The values the form showed when it was opened; None when the POST did not bring
        them back intact (then everything in it counts as the user's)."""
        if not self.is_bound:
            return signing.loads(self._opened_now(), salt=_OPENED_SALT)
        raw = self.data.get(self.add_prefix(OPENED_FIELD)) or ""
        try:
            values = signing.loads(raw, salt=_OPENED_SALT)
        except signing.BadSignature:
            return None
        return values if isinstance(values, dict) else None

    def clean_version(self) -> int | None:
        """A form opened on a saved record sends back the version it was opened at. A POST
        without it (made by hand, replayed, or from a page of before) is stale: it is never
        written blindly over what is saved; the user sees the differences and saves again."""
        submitted = self.cleaned_data.get(VERSION_FIELD)
        if submitted is None and self._version_expected:
            return MISSING_VERSION
        return submitted

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.cleaned_data.pop(OPENED_FIELD, None)  # read from the POST; never a value to save
        return data

    def submitted_version(self) -> int | None:
        return self.cleaned_data.get(VERSION_FIELD)

    def changed_fields(self) -> list[str]:
        """The fields whose value the user changed from what the form showed when opened."""
        opened = self.opened_values()
        return [
            name
            for name, field in self._compared().items()
            if name in self.cleaned_data
            and (opened is None or _norm(field, self.cleaned_data[name]) != opened.get(name))
        ]

    def to_save(self) -> dict[str, Any]:
        """What the service is to save: on a saved record only the fields the user changed
        (the version goes separately, `submitted_version`); on a new one every field."""
        names = self.changed_fields() if self._version_expected else list(self._compared())
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}

    def stale_apply(self, exc: StaleEdit) -> None:
        """Someone saved meanwhile: show, per field that differs, the value when the form was
        opened, the one saved meanwhile and the user's; keep the user's changes, take the
        saved value for every other field, and make the saved state the form's base."""
        opened = self.opened_values()
        data = cast("QueryDict", self.data).copy()  # a bound form's data: the POST
        base: dict[str, Any] = {}
        rows: list[Change] = []
        for name, field in self._compared().items():
            yours = _norm(field, self.cleaned_data.get(name))
            was = opened.get(name, "") if opened is not None else None
            if name not in exc.saved:
                base[name] = was if was is not None else yours
                continue
            saved = _norm(field, exc.saved[name])
            base[name] = saved
            changed_by_you = was is None or yours != was
            changed_by_others = was is not None and was != saved
            if changed_by_others or (changed_by_you and yours != saved):
                rows.append(
                    Change(
                        str(field.label or name),
                        _label(field, saved),
                        _label(field, yours),
                        None if was is None else _label(field, was),
                        name,
                        changed_by_you,
                    )
                )
            if not changed_by_you:
                key = self.add_prefix(name)
                if isinstance(saved, list) and hasattr(data, "setlist"):
                    data.setlist(key, saved)
                else:
                    data[key] = saved
        # The service's own rows, for what the form's fields do not show (the steps of a
        # routine, a consent's end).
        shown = {name for name in self._compared() if name in exc.saved}
        rows += [c for c in exc.changes if c.name not in shown]
        data[self.add_prefix(VERSION_FIELD)] = str(exc.current_version)
        data[self.add_prefix(OPENED_FIELD)] = signing.dumps(base, salt=_OPENED_SALT, compress=True)
        self.data = data
        self.stale_changes = rows
        self.stale = True
        self.add_error(None, exc)


def _display(obj: models.Model, field: models.Field, value: Any) -> str:
    if value in (None, ""):
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = cast("type[models.Model]", field.related_model)
        return (
            str(value)
            if isinstance(value, models.Model)
            # The related model as the loaded apps resolved it (never the string "self").
            else str(related._default_manager.filter(pk=value).first() or value)
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
        field = own_field(obj, name)
        saved = getattr(obj, name)
        if saved != yours:
            changes.append(
                Change(
                    str(field.verbose_name).capitalize(),
                    _display(obj, field, saved),
                    _display(obj, field, yours),
                    name=name,
                )
            )
    who = getattr(obj, "updated_by", None)
    when = getattr(obj, "updated_at", None)
    raise StaleEdit(
        current=current,
        changes=changes,
        saved={f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields},
        who=str(who) if who else _("Någon annan"),
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
