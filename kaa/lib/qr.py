"""QR codes as inline SVG (segno): the authenticator set-up and the e-service link on paper."""

from __future__ import annotations

import io

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, title: str, scale: int = 5) -> SafeString:
    """Inline SVG of `data`. Only ever called with URLs we build ourselves."""
    qr = segno.make(data, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=scale, xmldecl=False, svgns=True, title=title, nl=False)
    # segno escapes the title; the data is drawn as modules, never inserted as markup.
    return mark_safe(out.getvalue().decode("utf-8"))  # noqa: S308  # nosec B308, B703
