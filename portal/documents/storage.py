"""Uploaded files on disk: outside the web root, under names we generate.

Files follow the database transaction: a file written during a transaction that
rolls back is removed, and a file whose row is deleted (or purged) is removed
only once that change is committed. So a failure never leaves a row without its
file, and never deletes a file that a surviving row still points to.
"""

import os
import re
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import event

from portal.config import PACKAGE, ConfigurationError
from portal.extensions import db

NAME = re.compile(r"[0-9a-f]{32}")
WRITTEN, TO_REMOVE = "documents_written", "documents_to_remove"


def directory() -> Path:
    configured = current_app.config["DOCUMENTS_DIRECTORY"]
    path = Path(configured or Path(current_app.instance_path) / "documents").resolve()
    static = Path(current_app.static_folder).resolve()
    if path == static or static in path.parents or PACKAGE in (path, *path.parents):
        raise ConfigurationError("PORTAL_DOCUMENTS_DIRECTORY must not be inside the package")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    if not NAME.fullmatch(stored_name):
        raise ValueError("not a generated document name")
    return directory() / stored_name


def write(content: bytes) -> str:
    """Store content under a new random name (created exclusively, owner-only)."""
    name = secrets.token_hex(16)
    target = path_of(name)
    partial = target.with_name(name + ".part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, target)
    db.session.info.setdefault(WRITTEN, []).append(name)
    return name


def remove_after_commit(stored_name: str) -> None:
    db.session.info.setdefault(TO_REMOVE, []).append(stored_name)


def _unlink(names) -> None:
    for name in names:
        try:
            path_of(name).unlink(missing_ok=True)
        except OSError:
            current_app.logger.exception("Could not remove document file %s", name)


@event.listens_for(db.session, "after_commit")
def _after_commit(session) -> None:
    session.info.pop(WRITTEN, None)
    _unlink(session.info.pop(TO_REMOVE, []))


@event.listens_for(db.session, "after_transaction_end")
def _after_transaction_end(session, transaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint: the outer transaction decides
    # Still listed here means the transaction ended without committing.
    session.info.pop(TO_REMOVE, None)
    _unlink(session.info.pop(WRITTEN, []))


def attachment_response(document):
    """The stored file as a download: never shown inline, never sniffed, never cached."""
    from flask import send_file

    response = send_file(
        path_of(document.stored_name),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.display_name,
        max_age=0,
        etag=False,
        conditional=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
