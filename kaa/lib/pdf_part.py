"""What WeasyPrint may load while it renders a KAA document, and the rendering of one part of
a long document in a process of its own (kaa.lib.pdf.pdf_render_parts).

The part's process runs this file as a script (`python -I pdf_part.py`): it imports nothing of
KAA or Django, reads the stylesheet and the part's HTML from stdin and writes the PDF to
stdout.
"""

from __future__ import annotations

import io
import sys
from typing import Any
from urllib.parse import unquote

import segno
from weasyprint.urls import URLFetcher, URLFetcherResponse

QR = "kaa:qr?"
STYLESHEET = "kaa:print.css"


def qr_png(data: str) -> bytes:
    """The QR code of `data` as a PNG of one pixel per module, quiet zone included."""
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="png", scale=1)
    return out.getvalue()


class OwnAssets(URLFetcher):
    """Only our own print stylesheet and QR codes drawn here (`kaa:qr?` and the URL-encoded
    text, e.g. a letter's e-service link) may be loaded while rendering: no network, no files.
    The QR code is drawn by the process that renders, so a long batch's codes are drawn part
    by part, side by side."""

    def __init__(self, stylesheet: bytes | None = None) -> None:
        super().__init__()
        self.stylesheet = stylesheet

    def stylesheet_bytes(self) -> bytes:
        if self.stylesheet is None:
            raise FileNotFoundError(STYLESHEET)
        return self.stylesheet

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(QR):
            body = qr_png(unquote(url[len(QR) :]))
            return URLFetcherResponse(url, body=body, headers={"Content-Type": "image/png"})
        if url == STYLESHEET:
            return URLFetcherResponse(
                url, body=self.stylesheet_bytes(), headers={"Content-Type": "text/css"}
            )
        raise ValueError("external resources are not allowed in KAA documents")


def html_pdf(html: str, fetcher: OwnAssets) -> bytes:
    """A tagged PDF (PDF/UA-1) of the HTML; it links `kaa:print.css` for its styles."""
    from weasyprint import HTML  # imported late: loading it costs ~0.5 s

    return HTML(string=html, url_fetcher=fetcher, base_url="kaa:").write_pdf(
        pdf_variant="pdf/ua-1"
    )


def part_input(html: str, stylesheet: bytes) -> bytes:
    """What the part's process reads: the stylesheet's length on a line, the stylesheet, the
    HTML."""
    return b"%d\n" % len(stylesheet) + stylesheet + html.encode("utf-8")


def main() -> None:
    head, _, rest = sys.stdin.buffer.read().partition(b"\n")
    length = int(head)
    stylesheet, html = rest[:length], rest[length:].decode("utf-8")
    sys.stdout.buffer.write(html_pdf(html, OwnAssets(stylesheet)))


if __name__ == "__main__":
    main()
