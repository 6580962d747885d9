"""QR codes (segno): inline SVG for the authenticator set-up, an image drawn while the PDF
renders for the e-service link on paper."""

from __future__ import annotations

import io
from urllib.parse import quote

import segno
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, title: str, scale: int = 5) -> SafeString:
    """Inline SVG of `data`. Only ever called with URLs we build ourselves."""
    qr = segno.make(data, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=scale, xmldecl=False, svgns=True, title=title, nl=False)
    # segno escapes the title; the data is drawn as modules, never inserted as markup.
    return mark_safe(out.getvalue().decode("utf-8"))  # noqa: S308  # nosec B308, B703


def qr_img(data: str, *, alt: str) -> SafeString:
    """An <img> of the QR code of `data` for a PDF: WeasyPrint's fetcher draws it as a PNG of
    one pixel per module (kaa.lib.pdf_part.qr_png). The print stylesheet sizes it and scales
    it without smoothing (image-rendering: pixelated), so the modules print as the same sharp
    squares as a vector drawing, while WeasyPrint draws one image instead of parsing a path of
    hundreds of runs."""
    return format_html('<img src="kaa:qr?{}" alt="{}">', quote(data, safe=""), alt)
