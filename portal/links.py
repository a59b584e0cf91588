"""Absolute links to the portal, for e-mails, PDFs and invites made outside a request."""

from urllib.parse import urlsplit

from flask import current_app


def public_url_for(endpoint: str, **values) -> str:
    """Like ``url_for(..., _external=True)`` but from PORTAL_PUBLIC_URL, request or not."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
