"""Stored files that no record points at: a consent scan saved in a request that then failed,
an SCB file or board report whose build stopped half-way. They hold personal data (a signed
form, personnummer), so they are deleted, never left to pile up unseen.

Every FileField of every installed model is looked at; a file is an orphan when it lies in one
of their upload folders, no row names it, and it is older than a day (a younger one may belong
to a transaction still running). Each deletion is counted in the audit log, without names.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.utils import timezone

from kaa.audit import Action, audit_event
from kaa.lib.storage import STORAGE_ERRORS, delete_on_commit

__all__ = ["delete_on_commit", "orphans", "orphans_delete"]

log = logging.getLogger(__name__)
GRACE = dt.timedelta(days=1)


def _file_fields() -> list[tuple[type[models.Model], str, str]]:
    """(model, field name, top folder of its upload_to) for every FileField."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and isinstance(field.upload_to, str):
                top = field.upload_to.strip("/").split("/", 1)[0]
                if top and "%" not in top:
                    found.append((model, field.name, top))
    return found


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    # A folder is no object of its own in an object store (exists() cannot see it there): a
    # missing one lists as empty, or raises on disk.
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}")


def orphans(*, now: dt.datetime | None = None, storage: Storage = default_storage) -> list[str]:
    """Stored files in the upload folders that no row names, older than a day."""
    now = now or timezone.now()
    fields = _file_fields()
    named: set[str] = set()
    for model, field, _top in fields:
        named.update(model._default_manager.exclude(**{field: ""}).values_list(field, flat=True))
    found = []
    for folder in sorted({top for _model, _field, top in fields}):
        for name in _walk(storage, folder):
            if name in named:
                continue
            try:
                modified = storage.get_modified_time(name)
            except STORAGE_ERRORS:  # deleted meanwhile (a scan replaced, a gallring run)
                continue
            if modified < now - GRACE:
                found.append(name)
    return found


def orphans_delete(*, now: dt.datetime | None = None, storage: Storage = default_storage) -> int:
    """Delete the orphaned files; the audit log keeps how many per folder, not their names."""
    per_folder: dict[str, int] = {}
    for name in orphans(now=now, storage=storage):
        try:
            storage.delete(name)
        except STORAGE_ERRORS:
            log.exception("could not delete an orphaned stored file")
            continue
        folder = name.split("/", 1)[0]
        per_folder[folder] = per_folder.get(folder, 0) + 1
    if per_folder:
        audit_event(
            action=Action.DELETE,
            detail="föräldralösa filer "
            + " ".join(f"{folder}={count}" for folder, count in sorted(per_folder.items())),
        )
    return sum(per_folder.values())
