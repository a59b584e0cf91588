"""``flask purge-documents``: delete files some days after the appointment."""

import click
from flask import current_app

from portal.clock import now
from portal.documents.operations import purge_due_documents
from portal.extensions import db


@click.command("purge-documents")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Days after the appointment to keep files (default: DOCUMENT_RETENTION_DAYS).",
)
def purge_documents(days):
    """Delete the files of appointments that ended more than N days ago (run daily)."""
    retention = current_app.config["DOCUMENT_RETENTION_DAYS"] if days is None else days
    count = purge_due_documents(now(), retention)
    db.session.commit()
    click.echo(f"{count} document files purged (kept {retention} days after the appointment).")
