"""What WeasyPrint may load while it renders a KAA document, and the rendering of one part of
a long document in a process of its own (kaa.lib.pdf.pdf_render_parts).

The part's process runs this file as a script (`python -I pdf_part.py`): it imports nothing of
KAA or Django, reads the stylesheet and the part's HTML from stdin and writes the PDF to
stdout.
"""

from __future__ import annotations

import base64
import binascii
import sys
from typing import Any

from weasyprint.urls import URLFetcher, URLFetcherResponse

PNG_DATA = "data:image/png;base64,"
STYLESHEET = "kaa:print.css"


class OwnAssets(URLFetcher):
    """Only our own print stylesheet and PNG images inlined in the document as data URIs (the
    letters' QR codes) may be loaded while rendering: no network, no files."""

    def __init__(self, stylesheet: bytes | None = None) -> None:
        super().__init__()
        self.stylesheet = stylesheet

    def stylesheet_bytes(self) -> bytes:
        if self.stylesheet is None:
            raise FileNotFoundError(STYLESHEET)
        return self.stylesheet

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(PNG_DATA):
            try:
                body = base64.b64decode(url[len(PNG_DATA) :], validate=True)
            except binascii.Error as exc:
                raise ValueError("malformed data URI in a KAA document") from exc
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
