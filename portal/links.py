"""Absolute links to the portal, for e-mails, PDFs and invites made outside a request.

Production sets PORTAL_PUBLIC_URL (an https:// address, checked at start-up) and
every link uses it. In development it may be left unset: links then follow the
address the portal is actually served on, so `flask run --port 5001` gives working
links in the pages, the e-mails and the PDF alike:

- in a request, the request's own address (scheme, host, port);
- outside one (the outbox worker), the address `flask run` was started with, updated
  by each request it serves (a wildcard host or port 0 say little), and written to
  ``instance/served-at`` so that a worker in another process (`flask outbox deliver`)
  knows it too;
- with nothing learnt yet, `flask run`'s default address, logged as a development
  fallback.
"""

import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app, has_request_context, request

log = logging.getLogger(__name__)

FALLBACK = "http://127.0.0.1:5000"
SERVED_AT_FILE = "served-at"
WILDCARD_HOSTS = {"0.0.0.0", "::", ""}


def public_base_url() -> str:
    """The portal's absolute address without a trailing slash."""
    app = current_app._get_current_object()
    configured = app.config["PUBLIC_URL"]
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    served = app.extensions.get("served_at") or _read_served_at(app)
    if served:
        return served
    if not app.extensions.get("public_url_fallback_logged"):
        app.extensions["public_url_fallback_logged"] = True
        log.warning(
            "DEVELOPMENT ONLY: PORTAL_PUBLIC_URL is unset and no address was learnt yet; "
            "links use %s",
            FALLBACK,
        )
    return FALLBACK


def public_hostname() -> str:
    """The host part of the portal's address (for Message-IDs and calendar UIDs)."""
    return urlsplit(public_base_url()).hostname or "localhost"


def public_url_for(endpoint: str, **values) -> str:
    """Like ``url_for(..., _external=True)``, from the public address, request or not."""
    parts = urlsplit(public_base_url())
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def _served_at_path(app) -> Path:
    return Path(app.instance_path) / SERVED_AT_FILE


def _read_served_at(app) -> str | None:
    try:
        return _served_at_path(app).read_text().strip() or None
    except OSError:
        return None


def _remember(app, address: str) -> None:
    address = address.rstrip("/")
    if app.extensions.get("served_at") == address:
        return
    app.extensions["served_at"] = address
    try:
        path = _served_at_path(app)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(address + "\n")
    except OSError as error:  # the worker in this process still knows it
        log.warning("Could not write %s: %s", _served_at_path(app), error)


def _address_of_flask_run() -> str | None:
    """``http://host:port`` from the options of the running `flask run` command, if any."""
    if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        return None
    context = click.get_current_context(silent=True)
    if context is None or context.info_name != "run":
        return None
    host = str(context.params.get("host") or "")
    port = context.params.get("port")
    if not port:
        return None  # port 0: the first request will tell
    host = "127.0.0.1" if host in WILDCARD_HOSTS else host
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    scheme = "https" if context.params.get("cert") else "http"
    return f"{scheme}://{host}:{port}"


def init_app(app) -> None:
    """Outside production, with no PUBLIC_URL: learn the address the portal is served on."""
    if app.config["PUBLIC_URL"] or app.config["ENVIRONMENT"] == "production":
        return
    started_on = _address_of_flask_run()
    if started_on:
        _remember(app, started_on)

    @app.before_request
    def learn_the_address():
        _remember(app, request.url_root)
