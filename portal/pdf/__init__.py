"""WeasyPrint behind one function, with a URL fetcher that serves only our own files.

Templates refer to resources as ``portal:static/<path>`` (the portal's static
folder) or ``portal:generated/<name>`` (bytes made for this document, such as
a QR code). Everything else — ``file:``, ``http:``, ``https:``, ``data:``,
paths that climb out of the static folder — is refused, so nothing a person
typed can make the server read a file or fetch a URL. Fonts come from the
machine (fontconfig); the stylesheets declare no web fonts.
"""

import logging
import mimetypes
from pathlib import Path
from typing import Any

from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# WeasyPrint turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES at import.
# Uploaded documents must still refuse truncated images, and we only hand
# WeasyPrint images we made ourselves, so put the safe default back.
ImageFile.LOAD_TRUNCATED_IMAGES = False

log = logging.getLogger(__name__)

SCHEME = "portal:"
STATIC = "static/"
GENERATED = "generated/"


class RefusedURL(ValueError):
    """A document asked for something outside the portal's own files."""


# name → (bytes, content type)
Generated = dict[str, tuple[bytes, str]]


# WeasyPrint has no type information: to mypy its class is Any.
class PortalFetcher(URLFetcher):  # type: ignore[misc]
    def __init__(self, static_folder: str | Path, generated: Generated | None = None):
        # No protocol is allowed to the parent's openers: fetch() below never uses them.
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.static_folder = Path(static_folder).resolve()
        self.generated = generated or {}  # name → (bytes, content type)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.startswith(SCHEME):
            raise self._refuse(url)
        path = url[len(SCHEME) :]
        if path.startswith(GENERATED) and path[len(GENERATED) :] in self.generated:
            body, content_type = self.generated[path[len(GENERATED) :]]
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if path.startswith(STATIC):
            target = (self.static_folder / path[len(STATIC) :]).resolve()
            if self.static_folder in target.parents and target.is_file():
                content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": content_type})
        raise self._refuse(url)

    @staticmethod
    def _refuse(url: str) -> RefusedURL:
        log.warning("PDF rendering refused to fetch %.200s", url)
        return RefusedURL(f"not one of the portal's own files: {url[:200]}")


def render_pdf(html: str, static_folder: str | Path, generated: Generated | None = None) -> bytes:
    """A tagged, accessible PDF (PDF/UA-1); title and language come from the HTML."""
    document = HTML(string=html, url_fetcher=PortalFetcher(static_folder, generated))
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdf
