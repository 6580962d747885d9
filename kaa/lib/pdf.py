"""Rendering our own HTML templates to PDF/UA with WeasyPrint, loading nothing from outside."""

from __future__ import annotations

import os
import subprocess  # nosec B404  # only our own script, run with this interpreter
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from kaa.lib.pdf_part import OwnAssets, html_pdf, part_input

# A long document is laid out in parts, side by side in this many processes at most (never
# more than the machine's cores), each part at least this many items (letters) long: below
# that, starting a process (about 0.7 s of CPU) and joining the files costs more than it
# saves (measured: 100 letters took longer in two parts than in one).
PROCESSES = 2
PART_MIN = 150
# The first part, rendered by the calling process, is this much of an even share: that process
# also renders every part's HTML and opens its own PDF for the join while the others finish,
# and the others start an interpreter first (measured: 500 letters, 2 processes).
FIRST_SHARE = 0.93


class OwnAssetsOnly(OwnAssets):
    """kaa.lib.pdf_part.OwnAssets with our print stylesheet found among the static files."""

    def stylesheet_bytes(self) -> bytes:
        if self.stylesheet is None:
            path = finders.find("css/print.css")
            if path is None:
                raise FileNotFoundError("static file css/print.css")
            with open(path, "rb") as handle:
                self.stylesheet = handle.read()
        return self.stylesheet


def pdf_render(template: str, context: dict[str, Any]) -> bytes:
    """A tagged PDF (PDF/UA-1) of the template; it links `kaa:print.css` for its styles."""
    return html_pdf(render_to_string(template, context), OwnAssetsOnly())


class _Part:
    """One part rendered by a fresh interpreter running kaa/lib/pdf_part.py (not a fork: the
    caller may hold threads, locks and connections). Its input and output are anonymous
    temporary files, not pipes: nothing has to feed or drain them while the caller renders
    its own part."""

    def __init__(self, html: str, stylesheet: bytes) -> None:
        self.input = tempfile.TemporaryFile()
        self.input.write(part_input(html, stylesheet))
        self.input.seek(0)
        self.output = tempfile.TemporaryFile()
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(  # noqa: S603  # nosec B603  # a fixed argument list
            [sys.executable, "-I", str(Path(__file__).with_name("pdf_part.py"))],
            stdin=self.input,
            stdout=self.output,
            stderr=self.errors,
        )

    def result(self) -> bytes:
        if self.process.wait() != 0:
            self.errors.seek(0)
            message = self.errors.read().decode("utf-8", "replace")[-2000:]
            raise RuntimeError(f"rendering a part of the PDF failed: {message}")
        self.output.seek(0)
        return self.output.read()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for handle in (self.input, self.output, self.errors):
            handle.close()


def pdf_render_parts(template: str, context: dict[str, Any], *, key: str) -> bytes:
    """The same PDF as `pdf_render`, for a template that repeats a page (or pages) for each
    item of `context[key]`: a long list is cut into consecutive parts, the first is rendered
    here while the others render in processes of their own, and the parts are joined into one
    tagged PDF (kaa.lib.pdf_join). The template gets `continued` in the context of every part
    but the first: its first page must be laid out as a page in the middle of the document
    (the body's top margin, for one, is only at the top of the first page)."""
    items = list(context[key])
    count = min(PROCESSES, os.cpu_count() or 1, len(items) // PART_MIN)
    if count < 2:
        return pdf_render(template, context)
    from kaa.lib.pdf_join import Joined

    first_size = round(len(items) / count * FIRST_SHARE)
    size = -(-(len(items) - first_size) // (count - 1))
    parts = [items[:first_size]] + [
        items[i : i + size] for i in range(first_size, len(items), size)
    ]
    fetcher = OwnAssetsOnly()
    stylesheet = fetcher.stylesheet_bytes()
    # The other parts first, so that their processes start while this one renders its own.
    others = [
        _Part(render_to_string(template, context | {key: part, "continued": True}), stylesheet)
        for part in parts[1:]
    ]
    try:
        joined = Joined(html_pdf(render_to_string(template, context | {key: parts[0]}), fetcher))
        for other in others:
            joined.add(other.result())
        return joined.pdf()
    finally:
        for other in others:
            other.close()
