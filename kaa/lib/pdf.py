"""Rendering our own HTML templates to PDF/UA with WeasyPrint, loading nothing from outside."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher, URLFetcherResponse

PNG_DATA = "data:image/png;base64,"


class OwnAssetsOnly(URLFetcher):
    """Only our own print stylesheet and PNG images inlined in the document as data URIs (the
    letters' QR codes) may be loaded while rendering: no network, no files."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(PNG_DATA):
            try:
                body = base64.b64decode(url[len(PNG_DATA) :], validate=True)
            except binascii.Error as exc:
                raise ValueError("malformed data URI in a KAA document") from exc
            return URLFetcherResponse(url, body=body, headers={"Content-Type": "image/png"})
        if url == "kaa:print.css":
            path = finders.find("css/print.css")
            if path is None:
                raise FileNotFoundError("static file css/print.css")
            with open(path, "rb") as handle:
                return URLFetcherResponse(
                    url, body=handle.read(), headers={"Content-Type": "text/css"}
                )
        raise ValueError("external resources are not allowed in KAA documents")


def pdf_render(template: str, context: dict[str, Any]) -> bytes:
    """A tagged PDF (PDF/UA-1) of the template; it links `kaa:print.css` for its styles."""
    from weasyprint import HTML  # imported late: loading it costs ~0.5 s

    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=OwnAssetsOnly(), base_url="kaa:").write_pdf(
        pdf_variant="pdf/ua-1"
    )
