"""The PDF's URL fetcher serves the portal's static files and refuses the rest."""

from pathlib import Path

import pytest
from pypdf import PdfReader

import portal
from portal.pdf import PortalFetcher, RefusedURL, render_pdf
from tests.doubles.graph import ServedDouble

STATIC = Path(portal.__file__).parent / "static"


@pytest.fixture
def fetcher():
    return PortalFetcher(STATIC, {"qr.png": (b"\x89PNG...", "image/png")})


def test_serves_the_portal_s_own_static_files(fetcher):
    response = fetcher.fetch("portal:static/css/confirmation-pdf.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    assert fetcher.fetch("portal:generated/qr.png").content_type == "image/png"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/logo.png",
        "data:text/css,body{}",
        "portal:static/../../../../etc/passwd",
        "portal:static/css/missing.css",
        "portal:generated/other.png",
        "ftp://example.org/x",
    ],
)
def test_refuses_everything_else(fetcher, url):
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)


def test_a_document_cannot_make_the_server_fetch_a_url():
    requested = []

    def listener(environ, start_response):
        requested.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/css")])
        return [b"body { color: red }"]

    with ServedDouble(listener) as served:
        html = (
            f'<html lang="en"><title>t</title><link rel="stylesheet" href="{served.url}/x.css">'
            f'<img src="{served.url}/x.png" alt="x"><p>Text</p></html>'
        )
        pdf = render_pdf(html, STATIC)
    assert requested == []
    assert pdf.startswith(b"%PDF")


def test_pdfs_are_tagged_with_title_and_language():
    html = '<html lang="pt-PT"><title>Confirmação</title><p>Texto</p></html>'
    reader = PdfReader(__import__("io").BytesIO(render_pdf(html, STATIC)))
    assert reader.metadata.title == "Confirmação"
    assert reader.trailer["/Root"]["/Lang"] == "pt-PT"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
