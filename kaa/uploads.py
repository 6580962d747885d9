"""Uploads: size limits enforced before and while a body is read, and a malware scan.

- `UploadLimitMiddleware` answers 413 before anything is read when a request says
  (Content-Length) it is longer than KAA_MAX_REQUEST_BYTES, or longer than the view it goes
  to accepts: the view's upload maximum (`@upload_limit`) plus DATA_UPLOAD_MAX_MEMORY_SIZE for
  the other fields. A view without `@upload_limit` accepts no files at all.
- `LimitedUploadHandler`, first of FILE_UPLOAD_HANDLERS, counts each file's bytes as they
  arrive and stops the request (413) at the first byte over the view's maximum, before the
  rest is read or stored.
- `ScannedFileField` scans what was uploaded with ClamAV (`KAA_CLAMD_URL`) as soon as the
  field is cleaned, before the form looks inside the file. An infected file is refused and the
  refusal audited (`denied`, flagged); when a scanner is configured but gives no answer the
  upload is refused too (fail closed) and the error logged. Without a scanner configured,
  nothing is scanned (`check --deploy` warns).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from kaa.lib import clamav

log = logging.getLogger(__name__)

ViewFunc = Callable[..., HttpResponse]


class UploadTooLarge(RequestDataTooBig):
    """A body or a file over its limit (answered 413 by kaa.views.error_400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"upload over {limit} bytes")
        self.limit = limit


def upload_limit(max_bytes: int) -> Callable[[ViewFunc], ViewFunc]:
    """The largest file a view accepts, per file (its form checks the type and more)."""

    def decorate(view: ViewFunc) -> ViewFunc:
        view.upload_max_bytes = max_bytes  # type: ignore[attr-defined]
        return view

    return decorate


def _view_limit(request: HttpRequest | None) -> int:
    """The upload maximum of the view the request goes to (0: no files, as without a
    request). Resolved here, since a middleware may read the body before Django resolves the
    URL (the session timeout keeps an expired session's POST as a draft)."""
    if request is None:
        return 0
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return 0
    return int(getattr(match.func, "upload_max_bytes", 0) or 0)


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # Django reads nothing of a body with an unreadable length either


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """413, with the limit in MB (rounded up) for the person who chose the file; a limit of 0
    means that the page takes no files."""
    megabytes = -(-limit // 2**20)
    return render(request, "errors/413.html", {"megabytes": megabytes}, status=413)


class UploadLimitMiddleware:
    """413 for a body longer than allowed, before anything of it is read. Placed before the
    session, the CSRF check (which reads POST) and every other reader of the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        allowed = min(
            _view_limit(request) + settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            settings.KAA_MAX_REQUEST_BYTES,
        )
        if _content_length(request) > allowed:
            return too_large(request, allowed)
        return self.get_response(request)


class LimitedUploadHandler(FileUploadHandler):
    """Stops a request at the first byte of a file past the view's maximum (no file at all for
    a view without `@upload_limit`); the handlers after it never see those bytes."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,  # noqa: N803
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.limit = _view_limit(self.request)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if not getattr(self, "limit", 0):
            raise UploadTooLarge(0)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            raise UploadTooLarge(self.limit)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) keeps the file


def upload_scan(upload: Any, *, user: Any = None, what: str = "") -> None:
    """Scan an uploaded file; ValidationError (Swedish, for the form) if it is infected or if
    the configured scanner gives no answer. `what` names the upload in the audit log."""
    url = settings.KAA_CLAMD_URL
    if not url:
        return
    from kaa.audit import Action, audit_event

    upload.seek(0)
    try:
        verdict = clamav.scan(upload, url=url, timeout=settings.KAA_CLAMD_TIMEOUT)
    except clamav.ScannerUnavailable as exc:
        log.error("upload refused: the virus scanner gave no answer (%s)", exc)
        raise ValidationError(
            _(
                "Filen kunde inte kontrolleras mot virus just nu och har inte tagits emot. Försök "
                "igen om en stund. Om felet kvarstår, kontakta den som förvaltar KAA."
            ),
            code="scanner_unavailable",
        ) from exc
    finally:
        upload.seek(0)
    if verdict.clean:
        return
    log.warning("upload refused: %s found in %s", verdict.signature, what or "an upload")
    audit_event(
        action=Action.DENIED,
        user=user if getattr(user, "pk", None) else None,
        object_type="upload",
        detail=f"skadlig kod: {verdict.signature} ({what})",
        flagged=True,
    )
    raise ValidationError(
        _("Filen innehåller skadlig kod (%(name)s) och har inte tagits emot.")
        % {"name": verdict.signature},
        code="infected",
    )


class ScannedFileField(forms.FileField):
    """A file field whose upload is scanned (upload_scan) when the field is cleaned, before the
    form's own checks open the file. The form sets `uploader` (who, for the audit log) and
    `what` (which upload)."""

    uploader: Any = None
    what: str = ""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload and upload is not initial and hasattr(upload, "read"):
            upload_scan(upload, user=self.uploader, what=self.what)
        return upload
