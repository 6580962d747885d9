"""Stored files through Django's storage API only (settings.media_storage: a shared directory or
an S3-compatible bucket), never through a local path: a file one process wrote is read,
listed and deleted by any other, on any node."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import IO

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import transaction

log = logging.getLogger(__name__)

# What a storage call raises when the file is gone or the store cannot be reached: the disk's
# OSError, or the object store client's errors (a missing key, a refused or failed request).
STORAGE_ERRORS: tuple[type[Exception], ...] = (OSError, BotoCoreError, ClientError)


def save_local_file(name: str, path: Path, *, storage: Storage = default_storage) -> str:
    """Store the local file at `path` under `name`; returns the name it was stored under
    (another one if `name` was taken: nothing is overwritten)."""
    with path.open("rb") as handle:
        return storage.save(name, File(handle, name=path.name))


def copy_to(name: str, target: IO[bytes], *, storage: Storage = default_storage) -> None:
    """Write the stored file's bytes into an open local file, in blocks."""
    with storage.open(name, "rb") as source:
        shutil.copyfileobj(source, target, 1 << 16)


def delete_on_commit(names: list[str], *, storage: Storage = default_storage) -> None:
    """Delete these stored files once the transaction has committed (a rollback keeps them);
    one that cannot be deleted is logged and left for the orphan job (records.files)."""
    names = [n for n in names if n]

    def delete() -> None:
        for name in names:
            try:
                storage.delete(name)
            except STORAGE_ERRORS:
                log.exception("could not delete the stored file %s", name)

    if names:
        transaction.on_commit(delete)
