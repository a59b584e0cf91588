"""``flask purge-personal-data``: storage limitation, run daily (portal.privacy.retention)."""

from datetime import timedelta

import click
from flask import current_app

from portal.clock import now
from portal.extensions import db
from portal.privacy.retention import pseudonymise_due_cases


@click.command("purge-personal-data")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Days after the session (or the code's expiry) to keep personal data "
    "(default: PERSONAL_DATA_RETENTION_DAYS).",
)
def purge_personal_data(days):
    """Pseudonymise the personal data of cases that ended more than N days ago."""
    config = current_app.config
    retention = config["PERSONAL_DATA_RETENTION_DAYS"] if days is None else days
    report = pseudonymise_due_cases(
        now(),
        retention,
        config["AUDIT_LOG_RETENTION_DAYS"],
        timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"]),
    )
    db.session.commit()
    click.echo(f"{report} (kept {retention} days after the session or the code's expiry).")
