"""Static files under content-hashed URLs, so browsers and proxies keep them for a year.

At start the static folder is read once and every file gets a name with the first
12 hex digits of its SHA-256 before its extension: ``css/portal.css`` is served as
``/static/css/portal.<hash12>.css``. ``url_for('static', ...)`` writes the hashed
name, so a changed file is a new URL and an old page never mixes old and new. In
production nginx serves these names from the folder itself (a location that strips
the hash); here Flask serves them, for development and tests.

A hashed name is ``public, max-age=31536000, immutable``; the plain name still
answers, with a short cache (an old bookmark, a PDF template, a stray reference).
No session is read or written for a static file, so there is no ``Vary: Cookie``.
"""

import hashlib
import os
from pathlib import Path
from typing import Any

from flask import Flask, Request, Response, request, send_from_directory
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from werkzeug.exceptions import NotFound

HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_SECONDS = 300


def hashed_name(relative: str, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    stem, dot, extension = relative.rpartition(".")
    if not dot or "/" in extension:
        return f"{relative}.{digest}"
    return f"{stem}.{digest}.{extension}"


def build_manifest(folder: str | Path) -> dict[str, str]:
    """Plain relative name → hashed relative name, for every file under ``folder``."""
    root = Path(folder)
    manifest = {}
    for directory, _subfolders, files in os.walk(root):
        for name in files:
            path = Path(directory) / name
            relative = path.relative_to(root).as_posix()
            manifest[relative] = hashed_name(relative, path.read_bytes())
    return manifest


class StaticAwareSessionInterface(SecureCookieSessionInterface):
    """Never touch the session (nor add ``Vary: Cookie``) for a static file."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.endpoint == "static":
            return self.session_class()  # empty, and never saved
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.endpoint == "static":
            return None
        return super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    folder = app.static_folder
    manifest = build_manifest(folder) if folder and Path(folder).is_dir() else {}
    originals = {hashed: plain for plain, hashed in manifest.items()}
    app.extensions["static_manifest"] = manifest

    @app.url_defaults
    def hashed_static_urls(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    def static(filename: str) -> Response:
        if folder is None:
            raise NotFound()
        if filename in originals:
            response = send_from_directory(folder, originals[filename], max_age=31536000)
            response.headers["Cache-Control"] = IMMUTABLE
            return response
        return send_from_directory(folder, filename, max_age=SHORT_SECONDS)

    app.view_functions["static"] = static
    app.session_interface = StaticAwareSessionInterface()
