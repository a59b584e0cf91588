"""``flask meetings sync``: create, move or delete the meetings that are behind."""

import click
from flask.cli import AppGroup

from portal.outbox.worker import PassReport, sync_meetings

meetings_cli = AppGroup("meetings", help="Teams meetings of bookings.")


@meetings_cli.command("sync")
@click.option(
    "--include-failed",
    is_flag=True,
    help="Also try again meetings the provider refused (after fixing the cause).",
)
def sync(include_failed):
    """Retry pending meetings now (the outbox worker also does this on every pass)."""
    report = PassReport()
    sync_meetings(report, include_failed)
    click.echo(f"{report.meetings_ready} meetings updated, {report.meetings_failed} failed.")
    for error in report.errors:
        click.echo(f"  {error}")
